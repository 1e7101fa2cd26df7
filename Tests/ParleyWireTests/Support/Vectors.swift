import ParleyTestSupport
import Testing

/// One valid message vector from `Spec/vectors/messages-valid.json`.
struct ValidVector: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var description: String
    var hex: String
    var frame: String?
    var json: String
    var jsonInput: String?
    var canonical: Bool
    var testDescription: String { name }
}

/// One invalid input and the error code a decoder must report.
struct InvalidVector: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var description: String
    var hex: String?
    var text: String?
    var error: String
    var testDescription: String { name }

    /// The input bytes: `hex` when given (for bytes JSON files cannot hold), else `text`.
    var bytes: [UInt8] { hex.map(Hex.bytes) ?? Array(text!.utf8) }
}

/// A byte stream for the frame decoder from `Spec/vectors/frames.json`.
struct FrameVector: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var description: String
    var maxPayload: Int
    var allowsCompression: Bool?
    var hex: String
    var payloads: [String]?
    var flags: [UInt8]?
    var error: String?
    var testDescription: String { name }
}

/// The vector files, loaded once.
enum Vectors {
    private struct File<V: Decodable>: Decodable { var vectors: [V] }
    private struct FramesFile: Decodable {
        var valid: [FrameVector]
        var invalid: [FrameVector]
    }

    static let valid: [ValidVector] = load("vectors/messages-valid.json")
    static let invalidBinary: [InvalidVector] = load("vectors/messages-invalid-binary.json")
    static let invalidJSON: [InvalidVector] = load("vectors/messages-invalid-json.json")
    static let validFrames: [FrameVector] = frames.valid
    static let invalidFrames: [FrameVector] = frames.invalid

    private static let frames: FramesFile = try! SpecFiles.decode(FramesFile.self, "vectors/frames.json")

    private static func load<V: Decodable>(_ path: String) -> [V] {
        try! SpecFiles.decode(File<V>.self, path).vectors
    }
}
