import Foundation

/// RFC 4287 Appendix B restated as RELAX NG (XML syntax, which xmllint reads), narrowed to what sluice
/// may emit: text constructs only as `type="text"` (SECURITY.md item 28), no xhtml content, no foreign
/// elements. The element set, cardinalities (one id, title and updated per feed and per entry; at most one
/// of the optional singletons) and date and IRI datatypes follow §4 of the RFC.
enum AtomSchema {
    static let relaxNG = """
    <?xml version="1.0" encoding="utf-8"?>
    <grammar xmlns="http://relaxng.org/ns/structure/1.0" ns="http://www.w3.org/2005/Atom"
             datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
      <start><ref name="feed"/></start>

      <define name="commonAttributes">
        <optional><attribute name="xml:base"><data type="anyURI"/></attribute></optional>
        <optional><attribute name="xml:lang"><data type="language"/></attribute></optional>
      </define>

      <define name="textConstruct">
        <ref name="commonAttributes"/>
        <optional><attribute name="type"><value>text</value></attribute></optional>
        <text/>
      </define>

      <define name="personConstruct">
        <ref name="commonAttributes"/>
        <interleave>
          <element name="name"><text/></element>
          <optional><element name="uri"><data type="anyURI"/></element></optional>
          <optional><element name="email"><data type="string"><param name="pattern">.+@.+</param></data></element></optional>
        </interleave>
      </define>

      <define name="dateConstruct">
        <ref name="commonAttributes"/>
        <data type="dateTime"><param name="pattern">.*(Z|[+\\-]\\d\\d:\\d\\d)</param></data>
      </define>

      <define name="id">
        <element name="id"><ref name="commonAttributes"/><data type="anyURI"/></element>
      </define>

      <define name="link">
        <element name="link">
          <ref name="commonAttributes"/>
          <attribute name="href"><data type="anyURI"/></attribute>
          <optional><attribute name="rel"><data type="string"><param name="minLength">1</param></data></attribute></optional>
          <optional><attribute name="type"><data type="string"><param name="pattern">.+/.+</param></data></attribute></optional>
          <optional><attribute name="hreflang"><data type="language"/></attribute></optional>
          <optional><attribute name="title"/></optional>
          <optional><attribute name="length"><data type="nonNegativeInteger"/></attribute></optional>
          <empty/>
        </element>
      </define>

      <define name="category">
        <element name="category">
          <ref name="commonAttributes"/>
          <attribute name="term"/>
          <optional><attribute name="scheme"><data type="anyURI"/></attribute></optional>
          <optional><attribute name="label"/></optional>
          <empty/>
        </element>
      </define>

      <define name="feed">
        <element name="feed">
          <ref name="commonAttributes"/>
          <interleave>
            <zeroOrMore><element name="author"><ref name="personConstruct"/></element></zeroOrMore>
            <zeroOrMore><ref name="category"/></zeroOrMore>
            <zeroOrMore><element name="contributor"><ref name="personConstruct"/></element></zeroOrMore>
            <optional>
              <element name="generator">
                <ref name="commonAttributes"/>
                <optional><attribute name="uri"><data type="anyURI"/></attribute></optional>
                <optional><attribute name="version"/></optional>
                <text/>
              </element>
            </optional>
            <optional><element name="icon"><ref name="commonAttributes"/><data type="anyURI"/></element></optional>
            <ref name="id"/>
            <zeroOrMore><ref name="link"/></zeroOrMore>
            <optional><element name="logo"><ref name="commonAttributes"/><data type="anyURI"/></element></optional>
            <optional><element name="rights"><ref name="textConstruct"/></element></optional>
            <optional><element name="subtitle"><ref name="textConstruct"/></element></optional>
            <element name="title"><ref name="textConstruct"/></element>
            <element name="updated"><ref name="dateConstruct"/></element>
            <zeroOrMore><ref name="entry"/></zeroOrMore>
          </interleave>
        </element>
      </define>

      <define name="entry">
        <element name="entry">
          <ref name="commonAttributes"/>
          <interleave>
            <zeroOrMore><element name="author"><ref name="personConstruct"/></element></zeroOrMore>
            <zeroOrMore><ref name="category"/></zeroOrMore>
            <optional><element name="content"><ref name="textConstruct"/></element></optional>
            <zeroOrMore><element name="contributor"><ref name="personConstruct"/></element></zeroOrMore>
            <ref name="id"/>
            <zeroOrMore><ref name="link"/></zeroOrMore>
            <optional><element name="published"><ref name="dateConstruct"/></element></optional>
            <optional><element name="rights"><ref name="textConstruct"/></element></optional>
            <optional><element name="summary"><ref name="textConstruct"/></element></optional>
            <element name="title"><ref name="textConstruct"/></element>
            <element name="updated"><ref name="dateConstruct"/></element>
          </interleave>
        </element>
      </define>
    </grammar>
    """

    /// xmllint's complaints when `feed` does not match the schema; empty when it does; nil without xmllint.
    static func violations(_ feed: String) throws -> String? {
        guard let tool = XMLLint.tool else { return nil }
        let scratch = try TemporaryDirectory()
        let schema = scratch.url.appendingPathComponent("atom.rng")
        try Data(relaxNG.utf8).write(to: schema)
        let output = try Tool.run(tool, arguments: ["--noout", "--relaxng", schema.path, "-"], input: Data(feed.utf8))
        return output.status == 0 ? "" : output.stderr
    }
}
