// swift-tools-version:6.1
import PackageDescription

/// libFuzzer targets for Parley's wire codecs, capped inflaters and sans-I/O server, kept apart
/// from the main package so that only the pure modules are instrumented, never NIO (see
/// README.md; build with `run.sh`).
let package = Package(
    name: "ParleyFuzz",
    platforms: [.macOS(.v15)],
    // `Parley` is a symlink to the repository root, so the dependency has the same identity
    // whatever the checkout directory is called (as in Benchmarks/).
    dependencies: [.package(path: "Parley")],
    targets: [
        .target(name: "FuzzOracles", dependencies: [.product(name: "ParleyWire", package: "Parley")]),
        .executableTarget(name: "FuzzFrames", dependencies: ["FuzzOracles"]),
        .executableTarget(name: "FuzzBinary", dependencies: ["FuzzOracles"]),
        .executableTarget(name: "FuzzJSON", dependencies: ["FuzzOracles"]),
        .executableTarget(name: "FuzzDifferential", dependencies: ["FuzzOracles"]),
        // ParleyServer needs only ParleyCore, ParleyWire, ParleyTransport, ParleyClock and
        // swift-metrics' small CoreMetrics; ParleyCompression links the system zlib (not
        // instrumented).
        .target(
            name: "FuzzServerOracles",
            dependencies: [
                .product(name: "ParleyWire", package: "Parley"),
                .product(name: "ParleyCore", package: "Parley"),
                .product(name: "ParleyCompression", package: "Parley"),
                .product(name: "ParleyServer", package: "Parley"),
                .product(name: "ParleyTransport", package: "Parley"),
            ]
        ),
        .executableTarget(name: "FuzzInflate", dependencies: ["FuzzServerOracles"]),
        .executableTarget(name: "FuzzSession", dependencies: ["FuzzServerOracles"]),
        .executableTarget(name: "FuzzCodec", dependencies: ["FuzzServerOracles"]),
    ],
    swiftLanguageModes: [.v6]
)
