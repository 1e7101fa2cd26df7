import Foundation
import ParleyClient
import ParleyCore
import ParleyServer
import ParleyTestSupport
import ParleyWire
import Testing

/// ERR-3 and WS-4 under a flood: a client that keeps sending after RATE_LIMIT_ABUSE still
/// reads the error and the close, every time — the server stops sending, keeps reading and
/// discarding, and closes only when the client closes or the linger passes. The clients are
/// the kind that lost the error to a reset: Python's `websockets` sending in a loop that never
/// yields to its reader, and a TCP client that writes megabytes before it reads.
@Suite(.serialized) struct FloodCloseTests {
    static func floodingServer() async throws -> LiveServer {
        var session = LiveServer.session
        session.presenceBurst = 2
        session.rateAbuseThreshold = 3
        return try await LiveServer.start(session: session)
    }

    @Test("a websockets client flooding past RATE_LIMIT_ABUSE reads the error and close status 1008, 8 times of 8")
    func webSocketFlood() async throws {
        guard PythonInteropTests.websocketsInstalled else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "python3 -m pip install websockets")
            return
        }
        let live = try await Self.floodingServer()
        defer { Task { try? await live.stop() } }
        let (python, output) = try PythonInteropTests.startScript(
            "ws_flood.py", ["ws://127.0.0.1:\(live.httpPort)/parley", "8", "20000"])
        let text = try await offPool {
            defer { python.waitUntilExit() }
            return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        let rounds = text.split(separator: "\n").filter { $0.hasPrefix("round ") }
        #expect(rounds.count == 8, "python output: \(text)")
        for round in rounds {
            #expect(round.hasSuffix("2010] close 1008"), "\(round)")
        }
    }

    @Test("a TCP client writing megabytes past RATE_LIMIT_ABUSE before reading gets the error, then end of stream")
    func streamFlood() async throws {
        let live = try await Self.floodingServer()
        defer { Task { try? await live.stop() } }
        var hello: [UInt8] = []
        Frame.encode(.hello(Wire.Hello(rid: 1, versions: [1], auth: Wire.Auth(scheme: "anonymous"))), into: &hello)
        var activity: [UInt8] = []
        Frame.encode(.activity(Wire.Activity()), into: &activity)
        let flood = hello + Array([[UInt8]](repeating: activity, count: 1_000_000).joined())
        for round in 0..<3 {
            let port = live.tcp.port
            let received = try await offPool { try BlockingSocket.exchange(port: port, sending: flood) }
            var decoder = FrameDecoder(maxPayload: 1 << 16)
            received.withUnsafeBytes { decoder.append($0) }
            var codes: [ErrorCode] = []
            while let frame = try decoder.next() {
                if case .error(let e) = try Message.decodeBinary(frame.payload) { codes.append(ErrorCode(rawValue: UInt32(e.code))) }
            }
            #expect(codes.last == .rateLimitAbuse, "round \(round): \(codes)")
        }
    }
}
