import ParleyWire

/// Subset matching of received messages against expectations, with the scenario format's
/// `$any`, `$absent`, `$capture:NAME`, `$NAME`, `$range:LOW..HIGH`, arrays starting with
/// `"$contains"` (the other elements each match some actual element) and error codes by name.
public struct ScenarioMatcher: Sendable {
    /// Values captured so far, by name.
    public private(set) var captures: [String: JSONValue] = [:]

    /// A matcher that knows `captures` from the start (credentials a runner hands to scenarios).
    public init(captures: [String: JSONValue] = [:]) {
        self.captures = captures
    }

    /// Stores `value` under `name`, as a capture would (a `repeat`'s counter).
    public mutating func store(_ name: String, _ value: JSONValue) {
        captures[name] = value
    }

    /// `template` with every `"$NAME"` string replaced by its captured value, every generator
    /// replaced by what it makes (`{"$string": "$maxText+1"}`: that many `x`; `{"$array":
    /// AMOUNT, "of": VALUE}`: that many copies) and, if `codes`, every `code` given by name
    /// replaced by its number (for messages to send).
    public func substitute(_ template: JSONValue, codes: Bool = true) -> JSONValue {
        switch template {
        case .string(let text) where text.hasPrefix("$") && !text.hasPrefix("$capture:"):
            return captures[String(text.dropFirst())] ?? template
        case .string(let text) where text.contains("$"):
            return .string(interpolate(text))
        case .array(let values):
            return .array(values.map { substitute($0, codes: codes) })
        case .object(let members) where members.count == 1 && members["$string"] != nil:
            guard let count = generatedCount(members["$string"]!) else { return template }
            return .string(String(repeating: "x", count: count))
        case .object(let members) where members.count == 2 && members["$array"] != nil && members["of"] != nil:
            guard let count = generatedCount(members["$array"]!) else { return template }
            return .array(Array(repeating: substitute(members["of"]!, codes: codes), count: count))
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, value) in members {
                out[key] = key == "code" && codes ? Self.codeValue(substitute(value)) : substitute(value, codes: codes)
            }
            return .object(out)
        case .null, .bool, .uint, .number, .string:
            return template
        }
    }

    /// The length a `{"$string": AMOUNT}` or `{"$array": AMOUNT, "of": …}` generator asks for,
    /// if the amount works out to 0…16 Mi with the captures so far.
    private func generatedCount(_ value: JSONValue) -> Int? {
        guard let amount = ScenarioAmount(value), case .success(let count) = amount.evaluate(captures), (0...(1 << 24)).contains(count) else {
            return nil
        }
        return Int(count)
    }

    /// `text` with every `$NAME` inside it (letters and digits after the `$`) that names a
    /// stored string or number replaced by it: `"presence:user:$agent1"`, `"m$i"`. Other text
    /// stays.
    func interpolate(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let name = rest[rest.index(after: dollar)...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
            switch captures[String(name)] {
            case .string(let value)?: out += value
            case .uint(let value)?: out += String(value)
            default:
                out += "$" + name
            }
            rest = rest[name.endIndex...]
        }
        return out + rest
    }

    /// Whether `actual` matches `expected`; on success, records the captures. Returns a
    /// description of the first mismatch, `nil` if it matched.
    public mutating func match(_ expected: JSONValue, _ actual: JSONValue) -> String? {
        var found: [String: JSONValue] = [:]
        if let problem = compare(expected, actual, path: "", key: nil, found: &found) { return problem }
        captures.merge(found) { _, new in new }
        return nil
    }

    private func compare(_ expected: JSONValue, _ actual: JSONValue?, path: String, key: String?,
                         found: inout [String: JSONValue]) -> String? {
        if case .string(let text) = expected, text.hasPrefix("$") {
            if text == "$absent" { return actual == nil ? nil : "\(path): expected absent, got \(actual!)" }
            guard let actual else { return "\(path): missing" }
            if text == "$any" { return nil }
            if text.hasPrefix("$range:") {
                let bounds = text.dropFirst("$range:".count).split(separator: ".", omittingEmptySubsequences: true).compactMap { UInt64($0) }
                guard bounds.count == 2, case .uint(let value) = actual, value >= bounds[0], value <= bounds[1] else {
                    return "\(path): expected an integer in \(text.dropFirst("$range:".count)), got \(actual)"
                }
                return nil
            }
            if text.hasPrefix("$capture:") {
                found[String(text.dropFirst("$capture:".count))] = actual
                return nil
            }
            if let captured = captures[String(text.dropFirst())] ?? found[String(text.dropFirst())] {
                return captured == actual ? nil : "\(path): expected \(captured) (\(text)), got \(actual)"
            }
        }
        guard let actual else { return "\(path): missing (expected \(expected))" }
        switch expected {
        case .object(let members):
            guard case .object(let actualMembers) = actual else { return "\(path): expected an object, got \(actual)" }
            for name in members.keys.sorted() {
                if let problem = compare(members[name]!, actualMembers[name], path: path + "." + name, key: name, found: &found) {
                    return problem
                }
            }
            return nil
        case .array(let values) where values.first == .string("$contains"):
            // Each expected element matches some element of the actual array, in any order.
            guard case .array(let actualValues) = actual else { return "\(path): expected an array, got \(actual)" }
            for (index, value) in values.dropFirst().enumerated() {
                var trial = found
                guard let match = actualValues.first(where: { compare(value, $0, path: path, key: nil, found: &trial) == nil }) else {
                    return "\(path): no element matches \(value) (\(actualValues.count) elements)"
                }
                _ = compare(value, match, path: "\(path)[\(index)]", key: nil, found: &found)
            }
            return nil
        case .array(let values):
            guard case .array(let actualValues) = actual, actualValues.count == values.count else {
                return "\(path): expected \(values.count) elements, got \(actual)"
            }
            for (index, value) in values.enumerated() {
                if let problem = compare(value, actualValues[index], path: "\(path)[\(index)]", key: nil, found: &found) {
                    return problem
                }
            }
            return nil
        case .string(let text) where text.contains("$") && key != "code":
            let wanted = JSONValue.string(interpolate(text))
            return wanted == actual ? nil : "\(path): expected \(wanted) (\(text)), got \(actual)"
        case .null, .bool, .uint, .number, .string:
            let wanted = key == "code" ? Self.codeValue(expected) : expected
            return wanted == actual ? nil : "\(path): expected \(expected), got \(actual)"
        }
    }

    /// An error code given by name (`"RATE_LIMITED"`) as its number.
    static func codeValue(_ value: JSONValue) -> JSONValue {
        guard case .string(let name) = value, let code = ErrorCode.allKnown.first(where: { $0.name == name }) else { return value }
        return .uint(UInt64(code.rawValue))
    }
}
