import ParleyCompression
import ParleyWire

/// Checks the capped inflaters on a peer's payloads (``InflateInput``): every payload inflates
/// to at most the cap, in an array whose capacity stays within the cap (COMP-7), or fails with
/// `DECOMPRESSION_FAILED` or `MESSAGE_TOO_LARGE` (COMP-6, COMP-18); never another error.
///
/// A second run with four times the cap, on fresh inflaters wherever messages are independent,
/// must agree: the same bytes where the capped run succeeded (so reusing an inflater after
/// `reset` changes nothing), more than the cap or an error where it was too large, the same
/// corruption where it was corrupt.
public enum InflateOracle {
    /// What one payload gave.
    enum Outcome: Equatable {
        case inflated([UInt8])
        case failed(CompressionError)
    }

    /// The codes a peer's compressed bytes may earn.
    static let codes: Set<ErrorCode> = [.decompressionFailed, .messageTooLarge]
    /// Slack for the allocator's rounding of a reserved capacity.
    static let allocatorSlack = 64

    /// Checks one fuzzer input.
    public static func check(_ input: UnsafeRawBufferPointer) throws(OracleFailure) {
        let setup = InflateInput(input)
        let capped = try run(setup, cap: setup.cap, freshPerMessage: false)
        let roomy = try run(setup, cap: setup.cap * 4, freshPerMessage: setup.mode != .rawDeflateContextTakeover)
        for (index, (small, large)) in zip(capped, roomy).enumerated() {
            let what = "payload \(index) (\(setup.mode), cap \(setup.cap))"
            switch (small, large) {
            case (.inflated(let a), .inflated(let b)):
                try OracleFailure.require(a == b, "\(what): \(a.count) bytes at the cap, \(b.count) bytes at 4× the cap")
            case (.failed(.tooLarge), .inflated(let b)):
                try OracleFailure.require(b.count > setup.cap, "\(what): too large at the cap, \(b.count) bytes at 4× the cap")
            case (.failed(.tooLarge), .failed):
                break  // Past the cap, the rest of the stream may be too large or corrupt.
            case (.failed(.corruptData), .failed(.corruptData)):
                break
            default:
                throw OracleFailure(description: "\(what): \(small) at the cap but \(large) at 4× the cap")
            }
        }
    }

    /// Inflates the payloads in turn with `cap`, on one inflater or a fresh one per payload, up
    /// to the first error of a permessage-deflate decoder (which closes the connection).
    static func run(_ setup: InflateInput, cap: Int, freshPerMessage: Bool) throws(OracleFailure) -> [Outcome] {
        var inflate = try inflater(setup.mode, cap: cap)
        var outcomes: [Outcome] = []
        for payload in setup.payloads {
            if freshPerMessage { inflate = try inflater(setup.mode, cap: cap) }
            switch Result(catching: { () throws(CompressionError) in try inflate(payload) }) {
            case .success(let message):
                try OracleFailure.require(message.count <= cap, "\(message.count) bytes inflated with a cap of \(cap)")
                try OracleFailure.require(
                    message.capacity <= cap + allocatorSlack, "an array of capacity \(message.capacity) for a cap of \(cap)")
                outcomes.append(.inflated(message))
            case .failure(let error):
                try OracleFailure.require(error.isRemote && codes.contains(error.code), "a peer's payload gave \(error) (\(error.code))")
                outcomes.append(.failed(error))
                if setup.mode != .zlibFrames { return outcomes }
            }
        }
        return outcomes
    }

    /// A fresh inflater of `mode` with `cap`, as a function of one payload.
    static func inflater(_ mode: InflateInput.Mode, cap: Int) throws(OracleFailure) -> ([UInt8]) throws(CompressionError) -> [UInt8] {
        do throws(CompressionError) {
            switch mode {
            case .zlibFrames:
                let inflater = try FramePayloadInflater(negotiated: true, maxMessage: cap)
                return { payload throws(CompressionError) in try inflater.inflate(payload) }
            case .rawDeflateNoContextTakeover, .rawDeflateContextTakeover:
                let decoder = try PerMessageDeflateDecoder(noContextTakeover: mode == .rawDeflateNoContextTakeover, maxMessage: cap)
                return { payload throws(CompressionError) in try decoder.decompress(payload) }
            }
        } catch {
            throw OracleFailure(description: "creating an inflater with a cap of \(cap) failed: \(error)")
        }
    }
}
