import ParleyWire

/// The server side of one connection, as a transport feeds it.
///
/// A transport that carries bytes hands each ``InboundItem`` its ``ConnectionCodec`` decodes
/// to ``deliver(_:)``.
public protocol InboundConnection: Sendable {
    /// A message decoded from the peer.
    func receive(_ message: Message)
    /// The peer's bytes could not be decoded: the server answers with the error (naming the
    /// message type when it is known, VER-4) and, when the error is fatal, closes (ERR-3);
    /// everything received before stands (ERR-4).
    func fail(_ error: WireError, messageType: UInt64?)
    /// The transport closed (the peer went away or the server closed it).
    func transportClosed()
}

extension InboundConnection {
    /// The peer's bytes could not be decoded, and no message type is known.
    public func fail(_ error: WireError) { fail(error, messageType: nil) }

    /// Hands over what a ``ConnectionCodec`` decoded: a message to ``receive(_:)``, a failure
    /// to ``fail(_:messageType:)``.
    public func deliver(_ item: InboundItem) {
        switch item {
        case .message(let message): receive(message)
        case .failure(let error, let messageType): fail(error, messageType: messageType)
        }
    }
}
