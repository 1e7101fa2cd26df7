/// A value kept out of line: one word in the record that holds it, the value itself on the heap,
/// with value semantics (an `indirect` enum: reading shares the box, setting makes a new one).
/// For large, rarely set fields of the records kept per connection and per session, whose size
/// is what an idle visitor costs the server (a dictionary reserves room for a whole record per slot).
public struct OutOfLine<Value: Sendable>: Sendable {
    private indirect enum Storage: Sendable {
        case value(Value)
    }

    private var storage: Storage

    /// Keeps `value` out of line.
    public init(_ value: Value) {
        storage = .value(value)
    }

    /// The value.
    public var value: Value {
        get {
            switch storage {
            case .value(let value): value
            }
        }
        set { storage = .value(newValue) }
    }
}
