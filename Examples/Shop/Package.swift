// swift-tools-version:6.1
import PackageDescription

/// Shop: a small Hummingbird web shop with its own customers, staff, login and orders (SQLite
/// through GRDB), and Parley's live chat on a route of the shop's own router, behind the shop's
/// own login (`Integrations/ParleyHummingbird`). `swift run shop`, then http://127.0.0.1:8080.
let package = Package(
    name: "Shop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shop", targets: ["shop"]),
    ],
    dependencies: [
        .package(name: "ParleyHummingbird", path: "../../Integrations/ParleyHummingbird"),
        .package(name: "Parley", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .executableTarget(
            name: "shop",
            dependencies: [
                .product(name: "ParleyHummingbird", package: "ParleyHummingbird"),
                .product(name: "ParleyServer", package: "Parley"),
                .product(name: "ParleySQLite", package: "Parley"),
                .product(name: "ParleyWeb", package: "Parley"),
                .product(name: "ParleyCore", package: "Parley"),
                .product(name: "ParleyWire", package: "Parley"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
