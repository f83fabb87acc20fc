// swift-tools-version: 6.0
import PackageDescription

/// Each stage of the flow is one module in a folder named for its domain; the C libraries are
/// system library targets, each imported by exactly one module.

let package = Package(
    name: "sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CIDN2", path: "Sources/CIDN2", pkgConfig: "libidn2",
                       providers: [.apt(["libidn2-dev"])]),
        .systemLibrary(name: "CPSL", path: "Sources/CPSL", pkgConfig: "libpsl",
                       providers: [.apt(["libpsl-dev", "publicsuffix"])]),
        // glibc's own <malloc.h>: the executable tunes the allocator before anything runs (Sources/sluice).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CMicroHTTPD", path: "Sources/CMicroHTTPD", pkgConfig: "libmicrohttpd",
                       providers: [.apt(["libmicrohttpd-dev"])]),

        // Core owns zlib (Compression/ZlibStream) because Fetch (WARC gzip), Intake (ZIP entries) and Store
        // (bodies of earlier releases) all need it, and each C library has one importing module; zstd
        // (Compression/ZstdContext) compresses the bodies the store keeps now, on the parse workers.
        // The message catalog (Messages/Catalog) is data built into the binary, so an installed sluice needs no file.
        .target(name: "SluiceCore", dependencies: ["CIDN2", "CPSL", "CZlib", "CZstd"], path: "Sources/Core",
                resources: [.embedInCode("Messages/Catalog")]),
        .target(name: "SluiceStore", dependencies: ["SluiceCore", "CSQLite", "CPostgres"], path: "Sources/Store"),
        // Intake reads .xlsx files: zip entries through Core's raw inflate (zlib), sheet XML through Parse
        // (libxml2), so each C library keeps its one importing module.
        .target(name: "SluiceIntake", dependencies: ["SluiceCore", "SluiceParse"], path: "Sources/Intake"),
        .target(name: "SluiceFetch", dependencies: ["SluiceCore", "CCurl"], path: "Sources/Fetch"),
        .target(name: "SluiceParse", dependencies: ["SluiceCore", "CLibXML2"], path: "Sources/Parse"),
        .target(name: "SluiceDedup", dependencies: ["SluiceCore"], path: "Sources/Dedup"),
        .target(name: "SluiceClassify", dependencies: ["SluiceCore"], path: "Sources/Classify"),
        .target(name: "SluicePipeline",
                dependencies: ["SluiceCore", "SluiceFetch", "SluiceParse", "SluiceDedup", "SluiceClassify",
                               "SluicePublish"],
                path: "Sources/Pipeline"),
        .target(name: "SluiceReview", dependencies: ["SluiceCore"], path: "Sources/Review"),
        .target(name: "SluicePublish", dependencies: ["SluiceCore"], path: "Sources/Publish"),
        .target(name: "SluiceApp",
                dependencies: ["SluiceCore", "SluiceIntake", "SluiceFetch", "SluiceParse", "SluiceDedup", "SluiceClassify",
                               "SluicePipeline", "SluiceReview", "SluicePublish"],
                path: "Sources/App"),
        // The web intake and the published column on the web; the only module that imports libmicrohttpd.
        .target(name: "SluiceWeb", dependencies: ["SluiceCore", "SluiceApp", "SluicePublish", "CMicroHTTPD"],
                path: "Sources/Web"),
        .target(name: "SluiceMeasure",
                dependencies: ["SluiceCore", "SluiceFetch", "SluiceParse", "SluiceDedup", "SluiceClassify"],
                path: "Sources/Measure"),
        .target(name: "SluiceCLI",
                dependencies: ["SluiceCore", "SluiceStore", "SluiceApp", "SluiceIntake", "SluiceFetch", "SluiceParse",
                               "SluiceDedup", "SluiceClassify", "SluicePipeline", "SluiceReview",
                               "SluicePublish", "SluiceMeasure", "SluiceWeb"],
                path: "Sources/CLI"),
        .executableTarget(name: "sluice", dependencies: ["SluiceCLI", "CMalloc"], path: "Sources/sluice"),

        .target(name: "SluiceTestSupport", dependencies: ["SluiceCore"], path: "Tests/Support"),
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore", "SluiceTestSupport", "SluiceMeasure"]),
        .testTarget(name: "SluiceStoreTests", dependencies: ["SluiceStore", "SluiceTestSupport"]),
        .testTarget(name: "SluiceIntakeTests", dependencies: ["SluiceIntake", "SluiceFetch", "SluiceTestSupport"]),
        .testTarget(name: "SluiceFetchTests", dependencies: ["SluiceFetch", "SluiceTestSupport"]),
        .testTarget(name: "SluiceParseTests", dependencies: ["SluiceParse", "SluiceTestSupport", "SluiceMeasure"]),
        .testTarget(name: "SluiceDedupTests", dependencies: ["SluiceDedup", "SluiceTestSupport", "SluiceMeasure"]),
        .testTarget(name: "SluiceClassifyTests", dependencies: ["SluiceClassify", "SluiceTestSupport", "SluiceMeasure"]),
        .testTarget(name: "SluicePipelineTests", dependencies: ["SluicePipeline", "SluiceStore", "SluiceTestSupport"]),
        .testTarget(name: "SluiceReviewTests", dependencies: ["SluiceReview", "SluiceStore", "SluiceApp", "SluiceCLI", "SluiceTestSupport"]),
        .testTarget(name: "SluicePublishTests", dependencies: ["SluicePublish", "SluiceTestSupport"]),
        .testTarget(name: "SluiceAppTests",
                    dependencies: ["SluiceApp", "SluiceStore", "SluiceDedup", "SluiceIntake", "SluicePublish", "SluiceTestSupport"]),
        .testTarget(name: "SluiceWebTests", dependencies: ["SluiceWeb", "SluiceApp", "SluiceStore", "SluiceCLI", "SluiceDedup",
                                                        "SluicePipeline", "SluicePublish", "SluiceTestSupport"]),
        .testTarget(name: "SluiceCLITests", dependencies: ["SluiceCLI", "SluiceApp", "SluiceStore", "SluiceTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
