import ParleyClient
import ParleyCompression
import ParleyWire
import Testing

/// COMP-23: connections that negotiated permessage-deflate and exchanged compressed messages
/// hold no zlib state while idle; the streams are lent per message from a shared pool.
@Suite struct IdleCompressionMemoryTests {
    @Test("40 WebSocket connections that exchanged compressed messages hold no zlib streams when idle (COMP-23)")
    func idleConnectionsHoldNoZlibState() async throws {
        let live = try await LiveServer.start()
        defer { Task { try? await live.stop() } }
        var endpoint = live.webSocketBinary
        endpoint.offersPerMessageDeflate = true
        let before = ZlibStreamCount.live
        var connections: [ClientConnection] = []
        var welcomed = 0
        var otherwise: [String] = []
        for _ in 0..<40 {
            let connection = try await ClientConnection.connect(to: endpoint)
            connections.append(connection)
            // A compressed hello (the server inflates it), answered with a compressed welcome.
            guard connection.sendCompressed(.hello(Wire.Hello(rid: 1, versions: [1], auth: Wire.Auth(scheme: "anonymous")))) else {
                otherwise.append("permessage-deflate not negotiated")
                continue
            }
            for await event in connection.events {
                if case .message(.welcome) = event {
                    welcomed += 1
                    break
                }
                otherwise.append("\(event)")
                if case .closed = event { break }
            }
        }
        let added = ZlibStreamCount.live - before
        for connection in connections { connection.close() }
        #expect(welcomed == 40, "every connection negotiated permessage-deflate and was welcomed; otherwise: \(otherwise)")
        // With a compressor and a decompressor per connection, on the server's side and the
        // client's, these 40 connections would hold 160 streams. Pooled streams are shared, and
        // other tests running at the same time borrow a few: the bound leaves room for them.
        #expect(added < 30, "\(added) zlib streams added for 40 idle compressing connections")
    }
}
