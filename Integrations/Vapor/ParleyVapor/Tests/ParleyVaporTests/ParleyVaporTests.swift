import Foundation
import NIOConcurrencyHelpers
import ParleyCore
import ParleyServer
import ParleyVapor
import ParleyWire
import Testing
import Vapor

/// Parley on a real Vapor app's route, over loopback TCP, with websocket-kit clients.
@Suite struct ParleyVaporTests {
    static let hello = #"{"type":"hello","rid":1,"versions":[1],"auth":{"scheme":"transport"}}"#
    static let bearerAda: HTTPHeaders = ["Authorization": "Bearer tok-c17"]

    @Test("SESSION-38, CONV-38: the app's login names c-17; a hello of scheme transport is welcomed as c-17, and the vouched facts open its conversation")
    func loggedInVisitor() async throws {
        try await ChatApp.with { chat in
            var client = try await ChatClient.connect(port: chat.port, path: "chat", headers: Self.bearerAda)
            client.send(Self.hello)
            let welcome = try await client.next { $0.type == "welcome" || $0.type == "error" }
            #expect(welcome?.type == "welcome" && welcome?.identity?.user == "c-17")

            client.send(#"{"type":"create","rid":2,"text":"where is my parcel?","properties":[{"key":"name","value":"Someone Else"},{"key":"topic","value":"delivery"}]}"#)
            let created = try await client.next { $0.event?.kind == "created" }
            #expect(created?.event?.properties == ChatApp.ada.vouched + [Wire.Property(key: "topic", value: "delivery")])
            try await client.close()
        }
    }

    @Test("SESSION-38, WS-1, WS-6: refusals are plain HTTP before any upgrade — 401 from identify or the app's guard, 400 naming WS-1, 426 without an upgrade, 403 for a foreign Origin; the upgrade answers the chosen subprotocol")
    func refusedBeforeUpgrade() async throws {
        try await ChatApp.with { chat in
            let port = chat.port
            let offer = "Sec-WebSocket-Protocol: parley.v1.json"

            let anonymous = try await rawHTTP(port: port, upgradeRequest("chat", port: port, [offer]))
            #expect(anonymous.hasPrefix("HTTP/1.1 401"), "\(anonymous)")
            #expect(!anonymous.lowercased().contains("sec-websocket-accept"))
            let guarded = try await rawHTTP(port: port, upgradeRequest("staff", port: port, [offer]))
            #expect(guarded.hasPrefix("HTTP/1.1 401"), "\(guarded)")

            let noSubprotocol = try await rawHTTP(port: port, upgradeRequest("chat", port: port, ["Authorization: Bearer tok-c17"]))
            #expect(noSubprotocol.hasPrefix("HTTP/1.1 400") && noSubprotocol.contains("WS-1"), "\(noSubprotocol)")
            let plain = try await rawHTTP(port: port, "GET /chat HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer tok-c17\r\n\r\n")
            #expect(plain.hasPrefix("HTTP/1.1 426"), "\(plain)")
            let foreign = try await rawHTTP(port: port, upgradeRequest("chat", port: port, [offer, "Origin: https://evil.example"]))
            #expect(foreign.hasPrefix("HTTP/1.1 403"), "\(foreign)")

            let own = try await rawHTTP(port: port, upgradeRequest("chat", port: port, [
                "Sec-WebSocket-Protocol: parley.v1.binary, parley.v1.json", "Authorization: Bearer tok-c17", "Origin: http://127.0.0.1:\(port)",
            ]))
            #expect(own.hasPrefix("HTTP/1.1 101"), "\(own)")
            #expect(own.lowercased().contains("sec-websocket-protocol: parley.v1.binary"), "\(own)")
        }
    }

    @Test("WS-2: a message of the other kind is ENCODING_NOT_NEGOTIATED (1019), sent in the connection's own kind, then close 1008")
    func messageKinds() async throws {
        try await ChatApp.with { chat in
            var json = try await ChatClient.connect(port: chat.port, path: "chat", headers: Self.bearerAda)
            json.socket.send(Array(Self.hello.utf8), promise: nil)  // binary
            #expect(try await json.next()?.code == 1019)
            #expect(try await json.closeStatus() == 1008)

            var binary = try await ChatClient.connect(port: chat.port, path: "chat", subprotocol: "parley.v1.binary", headers: Self.bearerAda)
            binary.send(Self.hello)  // text
            #expect(try await binary.next()?.type == Reply.binary)
            #expect(try await binary.closeStatus() == 1008)
        }
    }

    @Test("SESSION-39: an agent whose login ends in a second gets CREDENTIALS_EXPIRED (2024) and close 1008")
    func expiry() async throws {
        try await ChatApp.with(users: { token in
            guard token == "tok-ana" else { return nil }
            // The app's login session ends one second from now.
            let now = UInt64(Date().timeIntervalSince1970 * 1_000)
            return Customer(identity: AuthenticatedIdentity(
                identity: Wire.Identity(user: "ana", role: .agent, teams: ["support"]), expiresAt: Instant(milliseconds: now + 1_000)))
        }) { chat in
            var agent = try await ChatClient.connect(port: chat.port, path: "chat", headers: ["Authorization": "Bearer tok-ana"])
            agent.send(Self.hello)
            #expect(try await agent.next { $0.type == "welcome" || $0.type == "error" }?.type == "welcome")
            let expired = try await agent.next(within: 5) { $0.type == "error" }
            #expect(expired?.code == 2024)
            #expect(try await agent.closeStatus() == 1008)
        }
    }

    @Test("SESSION-39: server.signOut closes each of the user's connections with CREDENTIALS_EXPIRED and 1008, and no one else's")
    func signOut() async throws {
        try await ChatApp.with(users: { token in
            switch token {
            case "tok-c17": Customer(identity: ChatApp.ada)
            case "tok-c18": Customer(identity: AuthenticatedIdentity(identity: Wire.Identity(user: "c-18", role: .visitor)))
            default: nil
            }
        }) { chat in
            var ada = try await ChatClient.connect(port: chat.port, path: "chat", headers: Self.bearerAda)
            var other = try await ChatClient.connect(port: chat.port, path: "chat", headers: ["Authorization": "Bearer tok-c18"])
            for client in [ada, other] { client.send(Self.hello) }
            #expect(try await ada.next { $0.type == "welcome" } != nil)
            #expect(try await other.next { $0.type == "welcome" } != nil)

            chat.server.signOut("c-17")
            #expect(try await ada.next { $0.type == "error" }?.code == 2024)
            #expect(try await ada.closeStatus() == 1008)
            other.send(#"{"type":"ping","nonce":5}"#)
            #expect(try await other.next { $0.type == "pong" }?.nonce == 5)
            try await other.close()
        }
    }

    @Test("The app's own route GET /hello keeps answering while 50 chat clients are connected and sending")
    func appRoutesUnderChat() async throws {
        try await ChatApp.with(users: { token in
            token.hasPrefix("tok-v") ? Customer(identity: AuthenticatedIdentity(identity: Wire.Identity(user: "v-" + token.dropFirst(5), role: .visitor))) : nil
        }) { chat in
            let port = chat.port, clients = 50
            let welcomed = NIOLockedValueBox(0), done = NIOLockedValueBox(false)
            try await withThrowingTaskGroup(of: (pings: Int, pongs: Int).self) { group in
                for index in 0..<clients {
                    group.addTask {
                        var client = try await ChatClient.connect(port: port, path: "chat", headers: ["Authorization": "Bearer tok-v\(index)"])
                        client.send(Self.hello)
                        guard try await client.next(within: 10, where: { $0.type == "welcome" }) != nil else { return (0, 0) }
                        welcomed.withLockedValue { $0 += 1 }
                        // Sends until the app's route has been tried enough (at most 2,000 pings).
                        var pings = 0, pongs = 0
                        while pings < 2_000, pings < 5 || !done.withLockedValue({ $0 }) {
                            pings += 1
                            client.send(#"{"type":"ping","nonce":\#(pings)}"#)
                            if try await client.next(within: 10, where: { $0.type == "pong" })?.nonce == pings { pongs += 1 }
                        }
                        try await client.close()
                        return (pings, pongs)
                    }
                }
                let start = ContinuousClock.now
                while welcomed.withLockedValue({ $0 }) < clients, ContinuousClock.now - start < .seconds(20) { try await Task.sleep(for: .milliseconds(10)) }
                #expect(welcomed.withLockedValue { $0 } == clients)
                // Meanwhile, the app's own route: each answer within a bounded time, all 50 still connected.
                for _ in 0..<20 {
                    let started = ContinuousClock.now
                    let answer = try await rawHTTP(port: port, "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
                    #expect(answer.hasPrefix("HTTP/1.1 200") && answer.hasSuffix("hello"), "\(answer)")
                    #expect(ContinuousClock.now - started < .seconds(2))
                    #expect(chat.server.connectionCount == clients)
                    try await Task.sleep(for: .milliseconds(20))
                }
                done.withLockedValue { $0 = true }
                var pings = 0, pongs = 0
                for try await count in group { (pings, pongs) = (pings + count.pings, pongs + count.pongs) }
                #expect(pongs == pings && pings >= clients * 5)
            }
        }
    }

    @Test("STORE-6: the lifecycle handler recovers the server at boot; a store that cannot be read keeps the app from booting")
    func recoveryAtBoot() async throws {
        struct Unreadable: Error {}
        struct UnreadableStore: DurableStore {
            let recovered = NIOLockedValueBox(false)
            func write(_ changes: [DurableChange]) async throws {}
            func load(_ query: ArchiveQuery) async throws -> ArchivedConversations { throw Unreadable() }
            func recover() async throws -> RecoveredState {
                recovered.withLockedValue { $0 = true }
                throw Unreadable()
            }
            func purge(endedBefore cutoff: Instant) async throws -> Int { 0 }
            func search(_ query: TranscriptQuery) async throws -> [ChatEvent] { [] }
        }
        let store = UnreadableStore()
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        app.lifecycle.use(ParleyLifecycle(server: ParleyServer(configuration: ServerConfiguration(key: ChatApp.key), store: store)))
        await #expect(throws: Unreadable.self) { try await app.asyncBoot() }
        #expect(store.recovered.withLockedValue { $0 })
        try await app.asyncShutdown()
    }

    @Test("Shutdown: the lifecycle handler says goodbye SERVER_SHUTDOWN (close 1001) before the HTTP server stops")
    func shutdown() async throws {
        let chat = try await ChatApp.start()
        var client = try await ChatClient.connect(port: chat.port, path: "chat", headers: Self.bearerAda)
        client.send(Self.hello)
        #expect(try await client.next { $0.type == "welcome" } != nil)
        try await chat.app.asyncShutdown()
        #expect(try await client.next { $0.type == "goodbye" }?.code == 2013)
        #expect(try await client.closeStatus() == 1001)
        await chat.http.shutdown()
    }
}
