// swift-tools-version:6.1
import PackageDescription

/// Parley's benchmarks, kept apart from the main package so `swift test` never builds them.
///
/// Run: `swift run -c release --package-path Benchmarks parley-bench [suite …]`.
let package = Package(
    name: "ParleyBenchmarks",
    platforms: [.macOS(.v15)],
    // `Parley` is a symlink to the repository root, so the dependency has the same identity
    // whatever the checkout directory is called.
    dependencies: [.package(path: "Parley")],
    targets: [
        .target(name: "CAllocCounter"),
        .target(name: "BenchSupport", dependencies: ["CAllocCounter"], linkerSettings: [.linkedLibrary("m")]),
        // Raw zlib calls in C, the baseline of the `compression` suite.
        .target(name: "CZlibBaseline", linkerSettings: [.linkedLibrary("z")]),
        .executableTarget(
            name: "parley-bench",
            dependencies: [
                "BenchSupport",
                "CZlibBaseline",
                .product(name: "ParleyWire", package: "Parley"),
                .product(name: "ParleyCore", package: "Parley"),
                .product(name: "ParleyCompression", package: "Parley"),
                .product(name: "ParleyTransport", package: "Parley"),
                .product(name: "ParleyServer", package: "Parley"),
                .product(name: "ParleyClient", package: "Parley"),
                .product(name: "ParleySQLite", package: "Parley"),
                .product(name: "ParleyPostgres", package: "Parley"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
