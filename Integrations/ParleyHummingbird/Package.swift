// swift-tools-version:6.1
import PackageDescription

/// Parley in a Hummingbird 2 app: the chat on a route of the app's own router, behind the app's
/// own login, with the Parley server as a service of the app's service group.
let package = Package(
    name: "ParleyHummingbird",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ParleyHummingbird", targets: ["ParleyHummingbird"]),
    ],
    dependencies: [
        .package(name: "Parley", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "ParleyHummingbird",
            dependencies: [
                .product(name: "ParleyServer", package: "Parley"),
                .product(name: "ParleyNIO", package: "Parley"),
                .product(name: "ParleyTransport", package: "Parley"),
                .product(name: "ParleyCore", package: "Parley"),
                .product(name: "ParleyWire", package: "Parley"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "ParleyHummingbirdTests",
            dependencies: [
                "ParleyHummingbird",
                .product(name: "ParleyClient", package: "Parley"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
