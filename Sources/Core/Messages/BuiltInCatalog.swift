/// The catalog files built into the binary (`resources: [.embedInCode("Messages/Catalog")]` in Package.swift).
/// A new file in Messages/Catalog is listed here too; a test fails while one is left out.
enum BuiltInCatalog {
    static let chineseFiles: [(name: String, bytes: [UInt8])] = [
        ("zh-commands.json", PackageResources.zh_commands_json),
        ("zh-errors.json", PackageResources.zh_errors_json),
        ("zh-results.json", PackageResources.zh_results_json),
        ("zh-review.json", PackageResources.zh_review_json),
        ("zh-help.json", PackageResources.zh_help_json),
    ]
}
