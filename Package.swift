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
        .library(name: "ParleyCompression", targets: ["ParleyCompression"]),
    ],
    targets: [
        .target(name: "ParleyWire"),
        .target(name: "ParleyCore", dependencies: ["ParleyWire"]),
        // The system zlib (Debian: zlib1g-dev); only ParleyCompression touches it.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ParleyCompression", dependencies: ["CZlib", "ParleyWire"]),
        .testTarget(name: "ParleyWireTests", dependencies: ["ParleyWire"]),
        .testTarget(name: "ParleyCoreTests", dependencies: ["ParleyCore"]),
        .testTarget(name: "ParleyCompressionTests", dependencies: ["ParleyCompression"]),
    ],
    swiftLanguageModes: [.v6]
)
