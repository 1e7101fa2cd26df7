/// A parsed `Sec-WebSocket-Extensions` header (RFC 6455 §9.1): a list of extensions, each a
/// name with `;`-separated parameters whose values are tokens or quoted strings.
public struct ExtensionHeader: Hashable, Sendable {
    /// One list element: an extension name and its parameters in order (duplicates kept, so
    /// that an extension can reject them).
    public struct Element: Hashable, Sendable {
        /// The extension token, e.g. `permessage-deflate`.
        public var name: String
        /// The parameters; a value of `nil` means the parameter had no `=value`. Quoted
        /// values are unquoted.
        public var parameters: [Parameter]

        /// An element with its parameters.
        public init(name: String, parameters: [Parameter]) {
            self.name = name
            self.parameters = parameters
        }
    }

    /// One `name[=value]` extension parameter.
    public struct Parameter: Hashable, Sendable {
        /// The parameter name.
        public var name: String
        /// The value after unquoting, or `nil` when absent.
        public var value: String?

        /// A parameter with an optional value.
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    /// The extensions in the order offered.
    public var elements: [Element]

    /// Parses the values of every `Sec-WebSocket-Extensions` field of a request, in order
    /// (several fields are one comma-separated list).
    ///
    /// - Returns: `nil` when a value is not syntactically a valid extension list; a server then
    ///   accepts no extension from it.
    public init?(fieldValues: [String]) {
        var elements: [Element] = []
        for value in fieldValues {
            var parser = Parser(Array(value.utf8))
            guard let parsed = parser.list() else { return nil }
            elements += parsed
        }
        self.elements = elements
    }

    /// A recursive-descent parser over one field value's bytes.
    private struct Parser {
        private let bytes: [UInt8]
        private var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func list() -> [Element]? {
            var elements: [Element] = []
            while true {
                skipWhitespace()
                if index == bytes.count { return elements }
                if bytes[index] == UInt8(ascii: ",") {  // empty list elements are allowed
                    index += 1
                    continue
                }
                guard let element = element() else { return nil }
                elements.append(element)
                skipWhitespace()
                if index < bytes.count {
                    guard bytes[index] == UInt8(ascii: ",") else { return nil }
                    index += 1
                }
            }
        }

        private mutating func element() -> Element? {
            guard let name = token() else { return nil }
            var parameters: [Parameter] = []
            skipWhitespace()
            while index < bytes.count && bytes[index] == UInt8(ascii: ";") {
                index += 1
                skipWhitespace()
                guard let parameterName = token() else { return nil }
                skipWhitespace()
                var value: String?
                if index < bytes.count && bytes[index] == UInt8(ascii: "=") {
                    index += 1
                    skipWhitespace()
                    guard let parsed = index < bytes.count && bytes[index] == UInt8(ascii: "\"") ? quoted() : token() else { return nil }
                    value = parsed
                    skipWhitespace()
                }
                parameters.append(Parameter(name: parameterName, value: value))
            }
            return Element(name: name, parameters: parameters)
        }

        private mutating func token() -> String? {
            let start = index
            while index < bytes.count && Parser.isTokenCharacter(bytes[index]) { index += 1 }
            return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }

        private mutating func quoted() -> String? {
            index += 1  // opening quote
            var text: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    text.append(bytes[index])
                    index += 1
                default: text.append(byte)
                }
            }
            return nil
        }

        private mutating func skipWhitespace() {
            while index < bytes.count && (bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t")) { index += 1 }
        }

        /// RFC 9110 `tchar`.
        static func isTokenCharacter(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
                UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
                UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                true
            default:
                false
            }
        }
    }
}
