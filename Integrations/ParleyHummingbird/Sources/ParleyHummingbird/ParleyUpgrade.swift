import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import ParleyCore

/// How an upgrade request to the chat route is decided: by the app's own router, so that its
/// middleware (sessions, login, guards) runs first and a refusal is the app's own HTTP answer
/// (401, 403…) before any upgrade (SESSION-38).
///
/// The channel asks the router with the request marked by a fresh random value in a header the
/// client cannot forge (any it sent is replaced); the chat route (``Hummingbird/RouterMethods/parley(_:_:identify:)``)
/// records who the app says the client is under that marker and answers 200; the channel then
/// upgrades with that identity. When the route refuses, the request goes on as plain HTTP and
/// the app's router answers it again, with the app's status and body.
enum ParleyUpgrade {
    /// The header carrying the marker.
    static let marker = HTTPField.Name("Parley-Upgrade")!

    /// An upgrade request's state while the app's router decides it.
    enum Decision: Sendable {
        /// The router has not reached the chat route (yet).
        case pending
        /// The chat route ran: the identity the app established, or `nil` for anonymous.
        case identified(AuthenticatedIdentity?)
    }

    /// The body of the 400 for an upgrade that offers no Parley subprotocol (WS-1).
    static let subprotocolRequired = "WebSocket upgrade with subprotocol parley.v1.json or parley.v1.binary required (WS-1)\n"

    /// The upgrade was not accepted (an upgrader invariant: NIO only upgrades accepted requests).
    struct NotAccepted: Error {}

    /// A fresh marker: 128 random bits in hex.
    static func newMarker() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
    }

    /// What the app's router said to an upgrade request.
    enum Answer: Sendable {
        /// Upgrade: who the app says the client is (`nil` for anonymous), and the cookies its
        /// middleware set (a refreshed session), sent with the 101.
        case accept(identity: AuthenticatedIdentity?, cookies: [String])
        /// Do not upgrade: the app's own response, written as it is (NIO's upgrader has
        /// consumed the request, so the app's router cannot answer it a second time).
        case refuse(HTTPResponse, ByteBuffer)
    }

    /// Runs the upgrade request `head` through the app's `router` (its middleware and the chat
    /// route): the upgrade when the chat route accepted it, otherwise the app's response.
    static func decide<Responder: HTTPResponder>(
        _ head: HTTPRequestHead, chat: ParleyChat, router: Responder, channel: any Channel, logger: Logger
    ) async -> Answer where Responder.Context: RequestContext & InitializableFromSource<ApplicationRequestContextSource> {
        guard var fields = try? HTTPRequest(head, secure: false, splitCookie: false) else {
            return .refuse(HTTPResponse(status: .badRequest), ByteBuffer(string: "malformed upgrade request\n"))
        }
        let marker = newMarker()
        fields.headerFields[Self.marker] = marker
        chat.upgrades.withLock { $0[marker] = .pending }
        defer { _ = chat.upgrades.withLock { $0.removeValue(forKey: marker) } }
        let request = Request(head: fields, body: .init(buffer: ByteBuffer()))
        let context = Responder.Context(source: ApplicationRequestContextSource(channel: channel, logger: logger))
        let response: Response
        do {
            response = try await router.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            guard let refusal = try? error.response(from: request, context: context) else {
                return .refuse(HTTPResponse(status: error.status), ByteBuffer())
            }
            response = refusal
        } catch {
            return .refuse(HTTPResponse(status: .internalServerError), ByteBuffer())
        }
        if response.status == .ok, case .identified(let identity)? = chat.upgrades.withLock({ $0[marker] }) {
            return .accept(identity: identity, cookies: response.headers[values: .setCookie])
        }
        let body = BodyCollector()
        try? await response.body.write(body)
        return .refuse(HTTPResponse(status: response.status, headerFields: response.headers), body.bytes)
    }
}

/// Collects a response body, for a refusal written by hand.
final class BodyCollector: ResponseBodyWriter {
    private(set) var bytes = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        bytes.writeBuffer(&buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
