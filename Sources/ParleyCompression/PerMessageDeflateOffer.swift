/// One client offer of `permessage-deflate` (RFC 7692 §7.1), validated.
public struct PerMessageDeflateOffer: Hashable, Sendable {
    /// What the offer says about `client_max_window_bits`.
    public enum ClientWindow: Hashable, Sendable {
        /// The parameter is absent: the server must not send it back (COMP-13).
        case notOffered
        /// Present without a value: the client can limit its window if asked.
        case supported
        /// Present with a value: the client will use at most 2^bits.
        case upTo(Int)
    }

    /// Why an offer is declined (RFC 7692 §5.1: unknown, duplicate or invalid parameters).
    public enum Rejection: Error, Hashable, Sendable {
        /// A parameter RFC 7692 does not define for offers.
        case unknownParameter(String)
        /// The same parameter twice.
        case duplicateParameter(String)
        /// A value where none is allowed, a missing value, or a value that is not 8...15.
        case invalidValue(parameter: String, value: String?)
    }

    /// The client asks the server to reset its compressor after every message.
    public var serverNoContextTakeover = false
    /// The client announces it will reset its compressor after every message.
    public var clientNoContextTakeover = false
    /// The largest server window the client accepts, if it limits it.
    public var serverMaxWindowBits: Int?
    /// The client's window offer.
    public var clientMaxWindowBits = ClientWindow.notOffered

    /// An offer with no parameters.
    public init() {}

    /// Validates the parameters of one `permessage-deflate` list element (COMP-10).
    /// - Throws: the ``Rejection`` that makes the server decline this offer.
    public init(parameters: [ExtensionHeader.Parameter]) throws(Rejection) {
        var seen: Set<String> = []
        for parameter in parameters {
            guard seen.insert(parameter.name).inserted else { throw .duplicateParameter(parameter.name) }
            switch parameter.name {
            case "server_no_context_takeover":
                guard parameter.value == nil else { throw .invalidValue(parameter: parameter.name, value: parameter.value) }
                serverNoContextTakeover = true
            case "client_no_context_takeover":
                guard parameter.value == nil else { throw .invalidValue(parameter: parameter.name, value: parameter.value) }
                clientNoContextTakeover = true
            case "server_max_window_bits":
                guard let bits = parameter.value.flatMap(Self.windowBits) else {
                    throw .invalidValue(parameter: parameter.name, value: parameter.value)
                }
                serverMaxWindowBits = bits
            case "client_max_window_bits":
                if let value = parameter.value {
                    guard let bits = Self.windowBits(value) else { throw .invalidValue(parameter: parameter.name, value: value) }
                    clientMaxWindowBits = .upTo(bits)
                } else {
                    clientMaxWindowBits = .supported
                }
            default:
                throw .unknownParameter(parameter.name)
            }
        }
    }

    /// Parses a window-bits value: a decimal 8...15 with no sign or leading zero (RFC 7692 §7.1.2).
    static func windowBits(_ text: String) -> Int? {
        guard let first = text.utf8.first, first != UInt8(ascii: "0"), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let bits = Int(text), (ZlibFormat.minWindowBits...ZlibFormat.maxWindowBits).contains(bits)
        else { return nil }
        return bits
    }
}
