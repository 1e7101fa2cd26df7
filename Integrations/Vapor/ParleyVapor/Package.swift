// swift-tools-version:6.1
import PackageDescription

/// Parley in a Vapor 4 app: the chat on a route of the app's own routes, behind the app's own
/// login and middleware, with the Parley server recovered at boot and shut down with the app.
let package = Package(
    name: "ParleyVapor",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ParleyVapor", targets: ["ParleyVapor"]),
    ],
    // `Parley` is a symlink to the repository root, so the dependency has the same identity
    // whatever the checkout directory is called (as in Fuzz/ and Benchmarks/).
    dependencies: [
        .package(path: "Parley"),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "ParleyVapor",
            dependencies: [
                .product(name: "ParleyServer", package: "Parley"),
                .product(name: "ParleyTransport", package: "Parley"),
                .product(name: "ParleyCore", package: "Parley"),
                .product(name: "ParleyWire", package: "Parley"),
                // For OriginPolicy (WS-6) and the WebSocket frame size, not its transport.
                .product(name: "ParleyNIO", package: "Parley"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ParleyVaporTests",
            dependencies: [
                "ParleyVapor",
                .product(name: "ParleyServer", package: "Parley"),
                .product(name: "ParleyCore", package: "Parley"),
                .product(name: "ParleyWire", package: "Parley"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
