import Foundation
import SluiceCore
import SluiceParse

/// The first sheet of an `.xlsx` workbook (ECMA-376 SpreadsheetML, what 腾讯问卷, 问卷星, 金数据 and Excel
/// export by default) as a table: the package's relationships lead from the workbook to its first sheet
/// and its shared strings; cells are shared strings, inline strings, numbers (dates among them, as serial
/// days), booleans, formula results or empty; the first non-empty row is the header.
enum Workbook {
    /// Rows and columns one import may hold; a sheet claiming more is refused rather than allocated.
    static let maxRows = 100_000
    static let maxColumns = 1_024

    static func table(_ data: Data, file: String, limits: ZipLimits = ZipLimits()) throws(ImportFileError) -> ImportTable {
        var archive = try ZipArchive(data, file: file, limits: limits)
        let workbookPath = try officeDocument(&archive, file: file)
        let workbook = try part(&archive, workbookPath, file: file)
        let relations = try relationships(&archive, of: workbookPath, file: file)
        guard let firstSheet = workbook.child("sheets")?.children("sheet").first else {
            throw ImportFileError(file: file, reason: "the workbook has no sheet")
        }
        guard let id = firstSheet.attributes["id"], let sheetPath = relations.first(where: { $0.id == id })?.target else {
            throw ImportFileError(file: file, reason: "the workbook's first sheet names no part")
        }
        let properties = workbook.child("workbookPr")?.attributes["date1904"]
        var strings: [String] = []
        if let relation = relations.first(where: { $0.type.hasSuffix("/sharedStrings") }) {
            strings = sharedStrings(try part(&archive, relation.target, file: file))
        }
        let sheet = try part(&archive, sheetPath, file: file)
        var table = try rows(of: sheet, strings: strings, file: file)
        table.uses1904Dates = properties == "1" || properties == "true"
        return table
    }

    // MARK: - Package

    private struct Relationship {
        var id: String
        var type: String
        var target: String
    }

    /// The workbook part named by the package relationships (`_rels/.rels`), `xl/workbook.xml` by default.
    private static func officeDocument(_ archive: inout ZipArchive, file: String) throws(ImportFileError) -> String {
        if archive.entries["_rels/.rels"] != nil {
            let root = try relationships(&archive, of: "", file: file)
            if let document = root.first(where: { $0.type.hasSuffix("/officeDocument") }) { return document.target }
        }
        guard archive.entries["xl/workbook.xml"] != nil else {
            throw ImportFileError(file: file, reason: "is a ZIP archive but not an .xlsx workbook (no xl/workbook.xml)")
        }
        return "xl/workbook.xml"
    }

    /// The relationships of the part at `path` (`xl/_rels/workbook.xml.rels` for `xl/workbook.xml`), with
    /// targets resolved to part names: relative to the part's folder, or from the root when they start
    /// with `/` (openpyxl writes both).
    private static func relationships(_ archive: inout ZipArchive, of path: String, file: String) throws(ImportFileError) -> [Relationship] {
        let folder = path.split(separator: "/").dropLast().joined(separator: "/")
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        let relsPath = (folder.isEmpty ? "" : folder + "/") + "_rels/" + name + ".rels"
        guard archive.entries[relsPath] != nil else { return [] }
        let root = try part(&archive, relsPath, file: file)
        return root.children("Relationship").compactMap { element in
            guard let id = element.attributes["Id"], let target = element.attributes["Target"],
                  element.attributes["TargetMode"] != "External" else { return nil }
            return Relationship(id: id, type: element.attributes["Type"] ?? "", target: resolve(target, in: folder))
        }
    }

    private static func resolve(_ target: String, in folder: String) -> String {
        var parts = target.hasPrefix("/") ? [] : folder.split(separator: "/").map(String.init)
        for component in target.split(separator: "/") {
            if component == ".." { _ = parts.popLast() } else if component != "." { parts.append(String(component)) }
        }
        return parts.joined(separator: "/")
    }

    private static func part(_ archive: inout ZipArchive, _ path: String, file: String) throws(ImportFileError) -> XMLTree.Element {
        guard let data = try archive.contents(of: path) else {
            throw ImportFileError(file: file, reason: "the workbook names a part \(TextCleaning.quoted(path)) the archive does not hold")
        }
        do throws(XMLTreeError) {
            return try XMLTree.parse(data, name: path).root
        } catch {
            throw ImportFileError(file: file, reason: error.description)
        }
    }

    // MARK: - Cells

    /// `<si>` items: plain (`<t>`) or rich text (`<r><t>`), phonetic runs (`<rPh>`) left out.
    private static func sharedStrings(_ root: XMLTree.Element) -> [String] {
        root.children("si").map(richText)
    }

    private static func richText(_ item: XMLTree.Element) -> String {
        if let plain = item.child("t") { return plain.text }
        return item.children("r").compactMap { $0.child("t")?.text }.joined()
    }

    private static func rows(of sheet: XMLTree.Element, strings: [String], file: String) throws(ImportFileError) -> ImportTable {
        guard let data = sheet.child("sheetData") else { throw ImportFileError(file: file, reason: "the first sheet has no cells") }
        var parsed: [ImportTable.Row] = []
        var nextRow = 1
        for row in data.children("row") {
            let number = row.attributes["r"].flatMap(Int.init) ?? nextRow
            guard number >= nextRow, number <= maxRows else {
                throw ImportFileError(file: file, reason: "row \(number) of the first sheet is out of order or past row \(maxRows)")
            }
            nextRow = number + 1
            var cells: [ImportCell] = []
            for cell in row.children("c") {
                var column = cells.count
                if let reference = cell.attributes["r"] { column = try columnIndex(reference, row: number, file: file) }
                guard column >= cells.count else {
                    throw ImportFileError(file: file, reason: "row \(number) names a cell twice or out of order")
                }
                cells += Array(repeating: .empty, count: column - cells.count)
                cells.append(try value(of: cell, strings: strings, row: number, file: file))
            }
            parsed.append(ImportTable.Row(line: number, cells: cells))
        }
        let filled = parsed.filter { $0.cells.contains { !$0.isEmpty } }
        guard let header = filled.first else { throw ImportFileError(file: file, reason: "the first sheet is empty") }
        var headerNames = header.cells.map(\.text)
        while headerNames.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { headerNames.removeLast() }
        let rows = filled.dropFirst().map { row in
            var cells = row.cells
            cells += Array(repeating: .empty, count: max(0, headerNames.count - cells.count))
            return ImportTable.Row(line: row.line, cells: cells)
        }
        return ImportTable(header: headerNames, headerLine: header.line, rows: Array(rows))
    }

    /// "AB12" → 27 (zero-based column), checked against the row it sits in.
    private static func columnIndex(_ reference: String, row: Int, file: String) throws(ImportFileError) -> Int {
        let letters = reference.prefix { $0.isASCII && $0.isLetter }.uppercased()
        let column = letters.unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 } - 1
        guard !letters.isEmpty, letters.count <= 3, Int(reference.dropFirst(letters.count)) == row else {
            throw ImportFileError(file: file, reason: "row \(row) has a cell named \(TextCleaning.quoted(reference))")
        }
        guard column < maxColumns else {
            throw ImportFileError(file: file, reason: "row \(row) has a cell in column \(letters), past column \(maxColumns)")
        }
        return column
    }

    private static func value(of cell: XMLTree.Element, strings: [String], row: Int, file: String) throws(ImportFileError) -> ImportCell {
        let raw = cell.child("v")?.text ?? ""
        switch cell.attributes["t"] ?? "n" {
        case "s":
            guard let index = Int(raw), strings.indices.contains(index) else {
                throw ImportFileError(file: file, reason: "row \(row) points at shared string \(TextCleaning.quoted(raw)), which the workbook lacks")
            }
            return .text(strings[index])
        case "inlineStr":
            return .text(cell.child("is").map(richText) ?? "")
        case "b":
            return .text(raw == "1" ? "TRUE" : raw == "0" ? "FALSE" : raw)
        case "str", "e", "d":
            return .text(raw)
        default:
            guard !raw.isEmpty else { return .empty }
            guard let number = Double(raw) else {
                throw ImportFileError(file: file, reason: "row \(row) has a number cell holding \(TextCleaning.quoted(raw))")
            }
            return .number(number, written: raw)
        }
    }
}
