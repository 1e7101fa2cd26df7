import ParleyWire

/// How one connection is carried, fixed when it opens: the binding (and with it the
/// encoding), the compression it may use, and the limits on what the peer sends.
///
/// A transport gives it to ``ConnectionAcceptor/accept(_:profile:from:)`` and to
/// ``ConnectionCodec/init(profile:)``, so that only what the connection uses is produced.
///
/// ```swift
/// // A WebSocket route that negotiated `parley.v1.json` and no permessage-deflate:
/// let profile = ConnectionProfile(binding: .webSocketJSON, limits: .init(maxMessage: 65_536))
/// ```
public struct ConnectionProfile: Sendable {
    /// The limits on what the peer sends.
    public struct Limits: Sendable, Hashable {
        /// The largest frame payload accepted on the byte stream (FRAME-5).
        public var maxFramePayload: Int
        /// The largest message accepted: a WebSocket message (WS-3), or an inflated payload on
        /// either binding (COMP-6, COMP-18).
        public var maxMessage: Int

        /// Limits; the defaults are the protocol's initial frame limit for both.
        public init(maxFramePayload: Int = Frame.initialMaxPayload, maxMessage: Int = Frame.initialMaxPayload) {
            self.maxFramePayload = maxFramePayload
            self.maxMessage = maxMessage
        }
    }

    /// How messages travel.
    public var binding: Binding
    /// The compression this connection may use, `nil` for none. On the byte stream it starts
    /// only once the welcome announces it (COMP-2); on WebSocket it is what the upgrade
    /// negotiated (permessage-deflate, COMP-9).
    public var compression: (any CompressionProvider)?
    /// The limits on what the peer sends.
    public var limits: Limits

    /// A profile.
    public init(binding: Binding, compression: (any CompressionProvider)? = nil, limits: Limits = Limits()) {
        self.binding = binding
        self.compression = compression
        self.limits = limits
    }

    /// The encoding of the connection's payloads; `nil` in process, where messages are
    /// handed over as values.
    public var encoding: EventEnvelope.Encoding? {
        switch binding {
        case .stream, .webSocketBinary: .binary
        case .webSocketJSON: .json
        case .inProcess: nil
        }
    }
}
