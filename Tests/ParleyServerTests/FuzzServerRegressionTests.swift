import Foundation
import ParleyCore
import ParleyServer
import ParleyTransport
import ParleyTestSupport
import ParleyWire
import Testing

/// Replays every file of `Fuzz/regressions/<Target>/` and `Fuzz/corpus/<Target>/` for the fuzz
/// targets that need ParleyCompression, ParleyTransport or ParleyServer (`FuzzInflate`,
/// `FuzzSession`, `FuzzCodec`) through
/// their own oracles (`FuzzServerOracles/` here is a symlink to `Fuzz/Sources/FuzzServerOracles`;
/// the wire targets are replayed by ParleyWireTests, which depends on ParleyWire only).
@Suite("Fuzz: inflater and server regressions and seed corpora replayed")
struct FuzzServerRegressionTests {
    /// A fuzz target and its oracle.
    typealias Target = FuzzTarget<OracleFailure>

    static let targets = [
        Target(name: "FuzzInflate") { input throws(OracleFailure) in try InflateOracle.check(input) },
        Target(name: "FuzzSession") { input throws(OracleFailure) in try SessionOracle.check(input) },
        Target(name: "FuzzCodec") { input throws(OracleFailure) in try CodecOracle.check(input) },
    ]

    /// Replays `files` through `target`, recording an issue per rejected input.
    static func replay(_ files: [URL], through target: Target) throws -> Int {
        try target.replay(files) { file, error in Issue.record("\(target.name) \(file.lastPathComponent): \(error)") }
    }

    @Test("Fuzz/regressions/<Target>: every kept input keeps the target's rules", arguments: targets)
    func regressions(_ target: Target) throws {
        let replayed = try Self.replay(target.inputs("regressions"), through: target)
        print("FuzzServerRegressionTests: replayed \(replayed) file(s) of Fuzz/regressions/\(target.name)")
    }

    @Test("Fuzz/corpus/<Target>: every seed keeps the target's rules", arguments: targets)
    func seeds(_ target: Target) throws {
        let files = try target.inputs("corpus")
        #expect(!files.isEmpty, "run Fuzz/make-corpus.py")
        let replayed = try Self.replay(files, through: target)
        print("FuzzServerRegressionTests: replayed \(replayed) seed(s) of Fuzz/corpus/\(target.name)")
    }

    @Test("InflateInput: the header picks the inflater, the cap and the payload sizes")
    func inflateInputHeader() {
        let input: [UInt8] = [0x03 | 13 << 2, 2, 1, 0, 0xA, 0xB, 0xC]
        input.withUnsafeBytes { raw in
            let setup = InflateInput(raw)
            #expect(setup.mode == .rawDeflateContextTakeover && setup.cap == 16_384)
            #expect(setup.payloads == [[0xA], [], [0xB, 0xC]])
        }
    }

    @Test("InflateOracle: a zlib bomb (1 KiB of zeros) under a 64 B cap is MESSAGE_TOO_LARGE, not 64 bytes (COMP-6)")
    func inflateBomb() throws {
        let bomb: [UInt8] = [0x78, 0xda, 0x63, 0x60, 0x18, 0x05, 0xa3, 0x60, 0x14, 0x8c, 0x54, 0x00, 0x00, 0x04, 0x00, 0x00, 0x01]
        let input: [UInt8] = [0x00, 0x00] + bomb
        try input.withUnsafeBytes { raw in
            let setup = InflateInput(raw)
            #expect(try InflateOracle.run(setup, cap: 64, freshPerMessage: false) == [.failed(.tooLarge(limit: 64))])
            #expect(try InflateOracle.run(setup, cap: 1024, freshPerMessage: false) == [.inflated([UInt8](repeating: 0, count: 1024))])
            try InflateOracle.check(raw)
        }
    }

    @Test("SessionObserver fails a note sent to a visitor, a skipped seq and a send to an unknown connection")
    func observerCatchesViolations() throws {
        let visitor = ConnectionID(rawValue: 1)
        let welcome = Message.welcome(Wire.Welcome(
            rid: 1, version: 1, session: "s1", resumeToken: "r", identity: Wire.Identity(user: "v", role: .visitor),
            limits: SessionConfiguration().limits, serverTime: 0))
        func event(_ seq: UInt64, _ kind: EventKind) -> Outbound {
            .message(.event(Wire.Event(seq: seq, event: Wire.ConversationEvent(conversation: "c1", cseq: seq, kind: kind, time: 0))))
        }
        var observer = SessionObserver()
        try observer.opened(visitor)
        _ = try observer.check([.send(visitor, [.message(welcome)])], command: .init(connection: visitor, rid: 1))
        _ = try observer.check([.send(visitor, [event(1, .message)])], command: nil)
        var copy = observer
        #expect(throws: OracleFailure.self) { _ = try copy.check([.send(visitor, [event(2, .note)])], command: nil) }
        copy = observer
        #expect(throws: OracleFailure.self) { _ = try copy.check([.send(visitor, [event(3, .message)])], command: nil) }
        copy = observer
        #expect(throws: OracleFailure.self) { _ = try copy.check([.send(ConnectionID(rawValue: 9), [event(2, .message)])], command: nil) }
        _ = try observer.check([.send(visitor, [event(2, .message)])], command: nil)
    }
}
