// swift-tools-version:6.1
import PackageDescription

/// libFuzzer targets for Parley's wire codecs, kept apart from the main package so that only
/// the pure `ParleyWire` module is instrumented (see README.md; build with `run.sh`).
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
    ],
    swiftLanguageModes: [.v6]
)
