import ParleyWire

/// What a scenario runs against: an in-memory server in unit tests, a real endpoint in the
/// conformance suite.
public protocol ScenarioEndpoint {
    /// What this endpoint can provide of the scenario `needs` (besides `agents:N`, which the
    /// runner's credentials answer): `testHost`, `binding:stream`, `binding:json`, `binding:binary`.
    var capabilities: Set<String> { get }
    /// Opens a connection for `client`; with `answeringPings`, every `ping` the server sends
    /// on it is answered with a `pong` at once (the ping is still reported). With
    /// `offeringDeflate`, a WebSocket connection offers permessage-deflate; returns `false` if
    /// it was asked for and not negotiated (the scenario is then skipped).
    mutating func connect(_ client: String, answeringPings: Bool, offeringDeflate: Bool) async throws -> Bool
    /// Drops `client`'s connection without a goodbye.
    mutating func disconnect(_ client: String) async
    /// Sends a message on `client`'s connection, in the endpoint's encoding.
    mutating func send(_ message: Message, from client: String) async
    /// Sends `message` compressed with the connection's permessage-deflate; `false` if it
    /// has none.
    mutating func sendCompressed(_ message: Message, from client: String) async -> Bool
    /// Sends input that is not a well-formed message; `false` if this endpoint's binding has
    /// no way to (the scenario is then skipped).
    mutating func send(_ input: RawInput, from client: String) async -> Bool
    /// The next thing that happened on `client`'s connection within `withinMs`: a message,
    /// the close, or `nil` for nothing.
    mutating func next(for client: String, withinMs: UInt64) async -> EndpointOutput?
    /// The endpoint's clock in milliseconds (any origin): the wall clock of a live server,
    /// simulated time in a test host. Waits of a scenario are measured on it.
    var clockMs: UInt64 { get }
    /// Lets `milliseconds` of time pass.
    mutating func advance(milliseconds: UInt64) async
    /// Closes every connection (the end of a scenario).
    mutating func closeAll() async
    /// Sends a WebSocket upgrade request of its own (not a scenario client's connection)
    /// offering `protocols` as one `Sec-WebSocket-Protocol` field (none if `nil`) and one
    /// `Sec-WebSocket-Extensions` field per element of `extensions`; returns the response
    /// head, or `nil` if this endpoint has no WebSocket side.
    mutating func upgrade(protocols: String?, extensions: [String], origin: String?) async -> [UInt8]?
    /// The status code of the WebSocket close frame the server sent on `client`'s
    /// connection, `nil` if none arrived (or the binding is not WebSocket).
    func webSocketCloseStatus(for client: String) -> UInt16?
}

extension ScenarioEndpoint {
    /// Endpoints without a WebSocket side: no upgrade (the scenario is skipped).
    public mutating func upgrade(protocols: String?, extensions: [String], origin: String?) async -> [UInt8]? { nil }
    /// Endpoints without a WebSocket side see no close frames.
    public func webSocketCloseStatus(for client: String) -> UInt16? { nil }
    /// Endpoints without a WebSocket side compress nothing.
    public mutating func sendCompressed(_ message: Message, from client: String) async -> Bool { false }
}

/// Input a scenario sends below the message level.
public enum RawInput: Sendable, Hashable {
    /// Bytes on the byte stream, exactly as given (frames and all).
    case stream([UInt8])
    /// One binary message payload: framed on a byte stream, a binary WebSocket message (of
    /// the wrong kind under `parley.v1.json`).
    case payload([UInt8])
    /// One WebSocket text message with these bytes (of the wrong kind under `parley.v1.binary`).
    case text([UInt8])
    /// One compressed WebSocket message (RSV1) with these raw DEFLATE bytes, on a connection
    /// that negotiated permessage-deflate.
    case deflated([UInt8])
}

/// Something a connection produced.
public enum EndpointOutput: Sendable, Hashable {
    /// A message from the server.
    case message(Message)
    /// Bytes from the server that do not decode (the server broke MSG-1 or the encoding rules).
    case undecodable(String)
    /// The server closed the connection.
    case closed
}
