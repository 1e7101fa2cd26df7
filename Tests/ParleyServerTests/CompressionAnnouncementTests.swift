import ParleyCompression
import ParleyCore
import ParleyServer
import ParleyTransport
import ParleyWire
import Testing

/// The welcome's `compression` follows the connection's profile (COMP-2): per-frame
/// compression exists only on the byte stream, and only a transport that can compress may
/// announce it; WebSocket compresses with permessage-deflate, negotiated in the upgrade.
@Suite struct CompressionAnnouncementTests {
    static let cases: [(String, ConnectionProfile, Bool)] = [
        ("byte stream with a compressor", ConnectionProfile(binding: .stream, compression: FrameCompression()), true),
        ("byte stream without one", ConnectionProfile(binding: .stream), false),
        ("WebSocket JSON", ConnectionProfile(binding: .webSocketJSON), false),
        ("WebSocket binary", ConnectionProfile(binding: .webSocketBinary), false),
        ("in process", ConnectionProfile(binding: .inProcess), false),
    ]

    @Test("per-frame compression is announced only to a byte stream that can compress (COMP-2)", arguments: 0..<5)
    func announcement(_ index: Int) throws {
        let (name, profile, announced) = Self.cases[index]
        let configuration = ServerConfiguration(key: CoreDriver.key, teams: ["support"])
        let now = Instant(milliseconds: 1_800_000_000_000)
        var core = ServerCore(configuration: configuration, now: now)
        var reference = ReferenceAuthenticator(configuration: configuration)
        let (id, _) = core.open(now: now, from: .loopback, profile: profile)
        let hello = core.receive(.hello(Wire.Hello(rid: 1, versions: [1], auth: Wire.Auth(scheme: "anonymous"))), on: id, now: now)
        let outputs = core.answeringAuthentication(hello, with: &reference, now: now)
        let welcomes = outputs.compactMap { output -> Wire.Welcome? in
            guard case .send(id, let items) = output, case .welcome(let welcome)? = items.first?.message else { return nil }
            return welcome
        }
        let welcome = try #require(welcomes.first, "\(name): no welcome")
        #expect((welcome.compression?.enabled == true) == announced, "\(name)")
    }
}
