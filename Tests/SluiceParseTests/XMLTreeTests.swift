import Foundation
import Testing
import SluiceParse

/// The XML reader other modules use for spreadsheet parts: values copied out of libxml2, strict about
/// well-formedness, closed to DTDs and entities, iterative on deep nesting.
@Suite("XML tree")
struct XMLTreeTests {
    @Test func elementsAttributesAndTextByLocalName() throws {
        let xml = #"""
            <?xml version="1.0" encoding="UTF-8"?>
            <x:workbook xmlns:x="urn:main" xmlns:r="urn:rel"><sheets><sheet name="问卷 &amp; 结果" r:id="rId1"/>
            <sheet name="二"/></sheets><t xml:space="preserve"> 前<![CDATA[<b>中</b>]]>后 </t></x:workbook>
            """#
        let root = try XMLTree.parse(Data(xml.utf8), name: "workbook.xml").root
        #expect(root.name == "workbook")
        let sheets = try #require(root.child("sheets")).children("sheet")
        #expect(sheets.map { $0.attributes["name"] } == ["问卷 & 结果", "二"])
        #expect(sheets.first?.attributes["id"] == "rId1")
        #expect(root.child("t")?.text == " 前<b>中</b>后 ")
        #expect(root.allText.contains("前<b>中</b>后"))
    }

    @Test func malformedInputAndDTDsAreRefusedWithTheReason() {
        let cases: [(String, String)] = [
            ("<a><b></a>", "not well-formed XML at line 1"),
            ("", "not well-formed"),
            ("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>", "DTD"),
            ("<!DOCTYPE a [<!ENTITY x \"xx\"><!ENTITY y \"&x;&x;&x;&x;\">]><a>&y;</a>", "DTD"),
        ]
        for (xml, reason) in cases {
            #expect {
                try XMLTree.parse(Data(xml.utf8), name: "part.xml")
            } throws: { error in
                guard let error = error as? XMLTreeError else { return false }
                return error.document == "part.xml" && error.reason.contains(reason)
            }
        }
    }

    @Test func deepNestingIsWalkedWithoutRecursion() throws {
        // libxml2 stops at depth 256 without XML_PARSE_HUGE: the limit holds, and below it the walk is iterative.
        let deep = String(repeating: "<d>", count: 200) + "底" + String(repeating: "</d>", count: 200)
        var element = try XMLTree.parse(Data(deep.utf8), name: "deep.xml").root
        var depth = 1
        while let child = element.children.first {
            element = child
            depth += 1
        }
        #expect(depth == 200 && element.text == "底")
        let tooDeep = String(repeating: "<d>", count: 300) + String(repeating: "</d>", count: 300)
        #expect(throws: XMLTreeError.self) { try XMLTree.parse(Data(tooDeep.utf8), name: "deep.xml") }
    }
}
