import Foundation

/// The requirements of the specification, read from `Spec/*.md`: every list item of the form
/// `- **PREFIX-N** (MUST): text` (Spec/README.md).
public struct RequirementCatalog: Sendable {
    /// How binding a requirement is (RFC 2119).
    public enum Level: String, Sendable, Hashable, Codable {
        /// The keyword as the specification writes it: `MUST`, `SHOULD` or `MAY`.
        case must = "MUST", should = "SHOULD", may = "MAY"
    }

    /// Each requirement id's level.
    public var levels: [String: Level]

    /// Reads every `*.md` file directly in `specDirectory`.
    public init(specDirectory: URL) throws {
        levels = [:]
        let files = try FileManager.default.contentsOfDirectory(atPath: specDirectory.path).filter { $0.hasSuffix(".md") }.sorted()
        for file in files {
            let text = try String(contentsOf: specDirectory.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                if let (id, level) = Self.requirement(in: line) { levels[id] = level }
            }
        }
    }

    /// The id and level of a requirement line, `nil` for any other line.
    static func requirement(in line: Substring) -> (String, Level)? {
        let trimmed = line.drop(while: { $0 == " " })
        guard trimmed.hasPrefix("- **") else { return nil }
        let rest = trimmed.dropFirst(4)
        guard let end = rest.range(of: "** (") else { return nil }
        let id = String(rest[..<end.lowerBound])
        let after = rest[end.upperBound...]
        guard let close = after.firstIndex(of: ")"), let level = Level(rawValue: String(after[..<close])),
            let dash = id.firstIndex(of: "-"), !id[..<dash].isEmpty, id[..<dash].allSatisfy(\.isUppercase),
            !id[id.index(after: dash)...].isEmpty, id[id.index(after: dash)...].allSatisfy(\.isNumber)
        else { return nil }
        return (id, level)
    }

    /// The ids at `level`, sorted.
    public func ids(at level: Level) -> [String] { levels.filter { $0.value == level }.keys.sorted() }
}
