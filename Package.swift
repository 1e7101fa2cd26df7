// swift-tools-version:6.1
import PackageDescription

/// Parley: a sans-I/O chat-protocol core for live chat.
///
/// `ParleyWire` and `ParleyCore` depend on nothing but the standard library, so they can be
/// embedded, fuzzed and simulated; everything that touches sockets or C lives in other targets.
let package = Package(
    name: "Parley",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ParleyWire", targets: ["ParleyWire"]),
        .library(name: "ParleyCore", targets: ["ParleyCore"]),
        .library(name: "ParleyConformance", targets: ["ParleyConformance"]),
    ],
    targets: [
        .target(name: "ParleyWire"),
        .target(name: "ParleyCore", dependencies: ["ParleyWire"]),
        .target(name: "ParleyConformance", dependencies: ["ParleyWire", "ParleyCore"]),
        .target(name: "ParleyTestSupport", path: "Tests/ParleyTestSupport"),
        .testTarget(name: "ParleyWireTests", dependencies: ["ParleyWire", "ParleyTestSupport"]),
        .testTarget(name: "ParleyCoreTests", dependencies: ["ParleyCore", "ParleyConformance", "ParleyTestSupport"]),
        .testTarget(name: "ParleyConformanceTests", dependencies: ["ParleyConformance"]),
    ],
    swiftLanguageModes: [.v6]
)
