// swift-tools-version:6.1
import PackageDescription

/// Parley: a sans-I/O chat-protocol core for live chat.
///
/// `ParleyWire` and `ParleyCore` depend on nothing but the standard library, so they can be
/// embedded, fuzzed and simulated; everything that touches sockets or C lives in other targets.
/// SwiftNIO with HTTP/1 and WebSocket: what the transports and the client speak.
let nioWebSocket: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "NIOWebSocket", package: "swift-nio"),
]

let package = Package(
    name: "Parley",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ParleyWire", targets: ["ParleyWire"]),
        .library(name: "ParleyCore", targets: ["ParleyCore"]),
        .library(name: "ParleyTransport", targets: ["ParleyTransport"]),
        .library(name: "ParleyCompression", targets: ["ParleyCompression"]),
        .library(name: "ParleyServer", targets: ["ParleyServer"]),
        .library(name: "ParleyNIO", targets: ["ParleyNIO"]),
        .library(name: "ParleyClient", targets: ["ParleyClient"]),
        .library(name: "ParleyConformance", targets: ["ParleyConformance"]),
        .library(name: "ParleySimulation", targets: ["ParleySimulation"]),
        .library(name: "ParleyWeb", targets: ["ParleyWeb"]),
        .library(name: "ParleySQLite", targets: ["ParleySQLite"]),
        .library(name: "ParleyPostgres", targets: ["ParleyPostgres"]),
        .executable(name: "parley", targets: ["parley"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(name: "ParleyWire"),
        .target(name: "ParleyCore", dependencies: ["ParleyWire"]),
        // The system zlib (Debian: zlib1g-dev); only ParleyCompression touches it.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The transport contract and the sans-I/O connection codec (bytes ⇄ messages per
        // binding): no NIO, no zlib; compression enters through its `PayloadCompressor` protocols.
        .target(name: "ParleyTransport", dependencies: ["ParleyWire", "ParleyCore"]),
        // zlib for the codec: implements ParleyTransport's compression protocols.
        .target(name: "ParleyCompression", dependencies: ["CZlib", "ParleyWire", "ParleyCore", "ParleyTransport"]),
        // The real time, for the runtimes that inject it into the sans-I/O cores.
        .target(name: "ParleyClock", dependencies: ["ParleyCore"]),
        .target(
            name: "ParleyServer",
            dependencies: ["ParleyCore", "ParleyWire", "ParleyTransport", "ParleyClock", .product(name: "CoreMetrics", package: "swift-metrics")]
        ),
        .target(
            name: "ParleyNIO",
            dependencies: ["ParleyTransport", "ParleyCompression", .product(name: "NIOSSL", package: "swift-nio-ssl")] + nioWebSocket
        ),
        .target(
            name: "ParleyClient",
            dependencies: ["ParleyTransport", "ParleyCore", "ParleyClock", "ParleyCompression"] + nioWebSocket
        ),
        .target(
            name: "ParleyBench",
            dependencies: [
                "ParleyClient",
                "ParleyWire",
                "ParleyCore",
                "ParleyCompression",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The durable stores (Spec/storage.md): SQLite (the reference server's default; the system
        // SQLite, Debian: libsqlite3-dev) and PostgreSQL.
        .target(name: "ParleySQLite", dependencies: ["ParleyServer", "ParleyCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "ParleyPostgres",
            dependencies: [
                "ParleyServer", "ParleyCore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // The website side (Web/: JavaScript client, widget, console), built into the binary.
        .target(name: "ParleyWeb"),
        .executableTarget(
            name: "parley",
            dependencies: [
                "ParleyNIO",
                "ParleyServer",
                "ParleyTransport",
                "ParleyClock",
                "ParleyWeb",
                "ParleyCompression",
                "ParleyClient",
                "ParleyConformance",
                "ParleySimulation",
                "ParleyBench",
                "ParleySQLite",
                "ParleyPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(name: "ParleyConformance", dependencies: ["ParleyWire", "ParleyCore", "ParleyTransport", "ParleyClient"]),
        // Deterministic simulation of the whole server core with many clients (issue 10).
        .target(name: "ParleySimulation", dependencies: ["ParleyServer", "ParleyCore", "ParleyWire"]),
        .target(name: "ParleyTestSupport", dependencies: ["ParleyCore"], path: "Tests/ParleyTestSupport"),
        .testTarget(name: "ParleyWireTests", dependencies: ["ParleyWire", "ParleyTestSupport"]),
        .testTarget(name: "ParleyCoreTests", dependencies: ["ParleyCore", "ParleyConformance", "ParleyTestSupport"]),
        .testTarget(name: "ParleyCompressionTests", dependencies: ["ParleyCompression", "ParleyTestSupport"]),
        .testTarget(name: "ParleyTransportTests", dependencies: ["ParleyTransport", "ParleyCompression", "ParleyCore", "ParleyWire"]),
        .testTarget(
            name: "ParleyConformanceTests",
            dependencies: ["ParleyConformance", "ParleyServer", "ParleyTransport", "ParleyNIO", "ParleyClient", "ParleyTestSupport"]),
        .testTarget(
            name: "ParleyServerTests",
            dependencies: [
                "ParleyServer", "ParleyTransport", "ParleyClock", "ParleyNIO", "ParleyClient", "ParleyCompression", "ParleyTestSupport", "ParleyWeb",
                "ParleyConformance",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ParleyStoreTests",
            dependencies: [
                "ParleySQLite", "ParleyPostgres", "ParleyServer", "ParleyCore", "ParleyClient", "ParleyTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        .testTarget(name: "ParleySimulationTests", dependencies: ["ParleySimulation"]),
        .testTarget(name: "ParleyBenchTests", dependencies: ["ParleyBench", "ParleyServer", "ParleyTransport", "ParleyNIO"]),
    ],
    swiftLanguageModes: [.v6]
)
