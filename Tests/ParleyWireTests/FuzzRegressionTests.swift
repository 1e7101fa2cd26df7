import Foundation
import ParleyTestSupport
import ParleyWire
import Testing

/// Replays every file of `Fuzz/regressions/<Target>/` (inputs that once crashed, hung or
/// broke a property) and of the seed corpora `Fuzz/corpus/<Target>/` through the fuzz
/// targets' own oracles (`FuzzOracles/` here is a symlink to `Fuzz/Sources/FuzzOracles`), so
/// `swift test` catches a regression without libFuzzer: every input must give messages or a
/// WireError with a code from the spec's table (ERR-1), never a crash or a broken property.
@Suite("Fuzz: regressions and seed corpora replayed")
struct FuzzRegressionTests {
    /// A fuzz target and its oracle.
    typealias Target = FuzzTarget<OracleFailure>

    static let targets = [
        Target(name: "FuzzFrames") { input throws(OracleFailure) in try FrameOracle.check(input) },
        Target(name: "FuzzBinary") { input throws(OracleFailure) in try BinaryOracle.check(input) },
        Target(name: "FuzzJSON") { input throws(OracleFailure) in try JSONOracle.check(input) },
        Target(name: "FuzzDifferential") { input throws(OracleFailure) in try DifferentialOracle.check(input) },
    ]

    /// Replays `files` through `target`, recording an issue per rejected input.
    static func replay(_ files: [URL], through target: Target) throws -> Int {
        try target.replay(files) { file, error in Issue.record("\(target.name) \(file.lastPathComponent): \(error)") }
    }

    @Test("Fuzz/regressions/<Target>: every kept input decodes or fails with a spec code", arguments: targets)
    func regressions(_ target: Target) throws {
        let files = try target.inputs("regressions")
        let replayed = try Self.replay(files, through: target)
        #expect(replayed == files.count)
        print("FuzzRegressionTests: replayed \(replayed) file(s) of Fuzz/regressions/\(target.name)")
    }

    @Test("Fuzz/corpus/<Target>: every seed decodes or fails with a spec code", arguments: targets)
    func seeds(_ target: Target) throws {
        let files = try target.inputs("corpus")
        #expect(!files.isEmpty, "run Fuzz/make-corpus.py")
        let replayed = try Self.replay(files, through: target)
        print("FuzzRegressionTests: replayed \(replayed) seed(s) of Fuzz/corpus/\(target.name)")
    }

    @Test("Fuzz/regressions holds one folder per target and nothing else, so no file is skipped")
    func regressionFoldersMatchTargets() throws {
        let folders = try FileManager.default.contentsOfDirectory(
            atPath: SpecFiles.root.appendingPathComponent("Fuzz/regressions").path)
        // FuzzInflate, FuzzSession and FuzzCodec need ParleyCompression, ParleyTransport and
        // ParleyServer: ParleyServerTests replays them (FuzzServerRegressionTests).
        let replayedElsewhere: Set = ["FuzzInflate", "FuzzSession", "FuzzCodec"]
        #expect(Set(folders.filter { $0 != "README.md" && !$0.hasPrefix(".") }) == Set(Self.targets.map(\.name)).union(replayedElsewhere))
    }

    @Test("an oracle rejects an error code its decoder must not report (ERR-1)")
    func oracleRejectsForeignCode() {
        #expect(throws: OracleFailure.self) {
            try DecoderCodes.check(WireError(.authFailed, "not a decoding error"), in: DecoderCodes.binary, "test")
        }
        #expect(throws: OracleFailure.self) {
            try DecoderCodes.check(WireError(ErrorCode(rawValue: 1099), "unknown"), in: DecoderCodes.json, "test")
        }
    }

    @Test("FrameStreamInput: the header picks the limit, compression and read sizes (FRAME-8)")
    func frameStreamInputHeader() {
        let input: [UInt8] = [0x80 | 14, 2, 3, 0, 0xA, 0xB, 0xC, 0xD, 0xE, 0xF, 0x10]
        input.withUnsafeBytes { raw in
            let setup = FrameStreamInput(raw)
            #expect(setup.maxPayload == 65_536)
            #expect(setup.allowsCompression)
            #expect(Array(setup.stream) == [0xA, 0xB, 0xC, 0xD, 0xE, 0xF, 0x10])
            #expect(setup.reads.map { Array($0) } == [[0xA, 0xB, 0xC], [], [0xD], [0xE, 0xF, 0x10]])
        }
        [UInt8]().withUnsafeBytes { raw in
            let setup = FrameStreamInput(raw)
            #expect(setup.maxPayload == 0 && !setup.allowsCompression && setup.stream.isEmpty)
        }
    }
}
