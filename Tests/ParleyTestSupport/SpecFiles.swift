import Foundation

/// Finds files of the repository's `Spec/` folder from test code, so tests read the same
/// vectors and scenarios as other implementations do.
public enum SpecFiles {
    /// The repository root: the nearest folder above this file that holds `Package.swift`.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url = url.deletingLastPathComponent()
        }
        return url
    }()

    /// The URL of `Spec/<relativePath>`.
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent("Spec").appendingPathComponent(relativePath)
    }

    /// Parses `Spec/<relativePath>` as a JSON object.
    public static func json(_ relativePath: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url(relativePath))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Decodes `Spec/<relativePath>` as `T`.
    public static func decode<T: Decodable>(_ type: T.Type, _ relativePath: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url(relativePath)))
    }
}

/// Hex strings to bytes and back, as the vectors write them.
public enum Hex {
    /// Parses lowercase or uppercase hex digits, two per byte.
    public static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        precondition(digits.count % 2 == 0, "odd hex length")
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x57
            case 0x41...0x46: c - 0x37
            default: preconditionFailure("not a hex digit")
            }
        }
        return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
    }

    /// Formats bytes as lowercase hex.
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
