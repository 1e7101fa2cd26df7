extension JSONValue {
    /// The string, if this is one.
    public var string: String? { if case .string(let value) = self { value } else { nil } }

    /// The number as an unsigned integer, if this is a whole non-negative number.
    public var uint64: UInt64? {
        switch self {
        case .uint(let value): value
        case .number(let value): value >= 0 && value.rounded() == value ? UInt64(exactly: value) : nil
        default: nil
        }
    }

    /// The number as an `Int`, if this is a whole number that fits.
    public var int: Int? {
        switch self {
        case .uint(let value): Int(exactly: value)
        case .number(let value): Int(exactly: value)
        default: nil
        }
    }

    /// The boolean, if this is one.
    public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }

    /// The elements of an array, or none.
    public var array: [JSONValue] { if case .array(let values) = self { values } else { [] } }

    /// The members of an object, or none.
    public var object: [String: JSONValue] { if case .object(let members) = self { members } else { [:] } }

    /// The strings of an array of strings (other elements skipped).
    public var strings: [String] { array.compactMap(\.string) }
}
