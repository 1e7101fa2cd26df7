/// A number a scenario step gives (a wait, a count): a constant, or a sum of values the
/// server announced and constants, `"$heartbeatTimeoutMs-$heartbeatMs+500"`, worked out when
/// the step runs from what the scenario captured (Spec/scenarios/README.md). Checks written
/// this way follow the server's own timers and limits instead of the defaults.
public struct ScenarioAmount: Sendable, Hashable, CustomStringConvertible {
    /// One signed term of the sum: a constant or a captured value.
    public enum Term: Sendable, Hashable {
        /// A number written in the amount, with its sign.
        case constant(Int64)
        /// The value captured under `name` (written `$name`), subtracted when `negated`.
        case captured(name: String, negated: Bool)
    }

    /// The terms, added up.
    public var terms: [Term]

    /// A constant amount.
    public init(_ value: UInt64) {
        terms = [.constant(Int64(clamping: value))]
    }

    /// An amount made of `terms`.
    public init(terms: [Term]) {
        self.terms = terms
    }

    /// The amount a JSON value gives: an unsigned integer, or a string of `$NAME` and digit
    /// terms joined by `+` and `-`; `nil` if it is neither.
    public init?(_ value: JSONValue) {
        switch value {
        case .uint(let number): self.init(number)
        case .string(let text): self.init(expression: text)
        default: return nil
        }
    }

    private init?(expression: String) {
        var terms: [Term] = []
        var negated = false
        var rest = Substring(expression.filter { $0 != " " })
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            if rest.first == "$" {
                let name = rest.dropFirst().prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
                guard !name.isEmpty else { return nil }
                terms.append(.captured(name: String(name), negated: negated))
                rest = rest[name.endIndex...]
            } else {
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                guard let value = Int64(digits) else { return nil }
                terms.append(.constant(negated ? -value : value))
                rest = rest[digits.endIndex...]
            }
            guard let sign = rest.first else { break }
            guard sign == "+" || sign == "-" else { return nil }
            negated = sign == "-"
            rest = rest.dropFirst()
            guard !rest.isEmpty else { return nil }
        }
        self.terms = terms
    }

    /// The value when it names no captured value, else `nil`.
    public var constant: UInt64? {
        var total: Int64 = 0
        for term in terms {
            guard case .constant(let value) = term else { return nil }
            total += value
        }
        return total < 0 ? nil : UInt64(total)
    }

    /// Whether the amount follows something the server announced.
    public var isScaled: Bool { terms.contains { if case .captured = $0 { true } else { false } } }

    /// The value with `captures` filled in, or why there is none (a name not captured or not
    /// a number).
    public func evaluate(_ captures: [String: JSONValue]) -> Result<Int64, Unresolved> {
        var total: Int64 = 0
        for term in terms {
            switch term {
            case .constant(let value):
                total += value
            case .captured(let name, let negated):
                guard case .uint(let value)? = captures[name] else { return .failure(Unresolved(name: name, value: captures[name])) }
                total += negated ? -Int64(clamping: value) : Int64(clamping: value)
            }
        }
        return .success(total)
    }

    /// A name an amount needs that the scenario has not captured as a number.
    public struct Unresolved: Error, CustomStringConvertible {
        /// The name.
        public var name: String
        /// What was captured under it, if anything.
        public var value: JSONValue?

        public var description: String {
            value.map { "$\(name) is \($0), not a number" } ?? "$\(name) was not captured (the server did not announce it?)"
        }
    }

    /// The amount as a scenario writes it.
    public var description: String {
        var text = ""
        for (index, term) in terms.enumerated() {
            switch term {
            case .constant(let value):
                text += value < 0 ? "-\(-value)" : (index == 0 ? "\(value)" : "+\(value)")
            case .captured(let name, let negated):
                text += negated ? "-$\(name)" : (index == 0 ? "$\(name)" : "+$\(name)")
            }
        }
        return text
    }
}

extension ScenarioAmount: ExpressibleByIntegerLiteral {
    /// A constant amount written as a literal.
    public init(integerLiteral value: UInt64) {
        self.init(value)
    }
}
