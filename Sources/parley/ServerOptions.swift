import ArgumentParser
import Foundation
import NIOCore
import NIOSSL
import ParleyCompression
import ParleyCore
import ParleyWire
import ParleyNIO
import ParleyServer

/// Every limit of the reference server as a flag, each also settable by an environment
/// variable (`PARLEY_` + the flag in upper snake case); a flag wins over the variable.
struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on (loopback by default). Env: PARLEY_HOST") var host: String?
    @Option(help: "TCP port of the byte-stream binding (default 7400). Env: PARLEY_PORT") var port: Int?
    @Option(help: "HTTP port: WebSocket, /healthz, /readyz, /metrics (default 7401). Env: PARLEY_HTTP_PORT") var httpPort: Int?
    @Option(help: "Event-loop threads carrying connections: reading, framing, encoding, compression, writing (default: one per core). The protocol core itself is one lock-guarded value. Env: PARLEY_THREADS") var threads: Int?
    @Option(help: "Comma-separated teams (default support). Env: PARLEY_TEAMS") var teams: String?
    @Option(help: "Hex HMAC key for tokens (default: kept in the data directory; random per run with --store memory). Env: PARLEY_KEY") var key: String?
    @Option(help: "Largest frame payload accepted, bytes (default 65536). Env: PARLEY_MAX_FRAME") var maxFrame: UInt64?
    @Option(help: "Largest decoded message, bytes (default 65536). Env: PARLEY_MAX_MESSAGE") var maxMessage: UInt64?
    @Option(help: "Largest message text, bytes (default 8192). Env: PARLEY_MAX_TEXT") var maxText: UInt64?
    @Option(help: "Messages per minute per session (default 60). Env: PARLEY_MESSAGE_RATE") var messageRate: UInt64?
    @Option(help: "Message burst (default 10). Env: PARLEY_MESSAGE_BURST") var messageBurst: UInt64?
    @Option(help: "Typing signals per minute (default 120). Env: PARLEY_TYPING_RATE") var typingRate: UInt64?
    @Option(help: "Presence updates per minute (default 30). Env: PARLEY_PRESENCE_RATE") var presenceRate: UInt64?
    @Option(help: "Idle ping interval, ms (default 25000). Env: PARLEY_HEARTBEAT_MS") var heartbeatMs: UInt64?
    @Option(help: "Dead-peer timeout, ms (default 60000). Env: PARLEY_HEARTBEAT_TIMEOUT_MS") var heartbeatTimeoutMs: UInt64?
    @Option(help: "Resume window, ms (default 120000). Env: PARLEY_RESUME_WINDOW_MS") var resumeWindowMs: UInt64?
    @Option(help: "Handshake deadline, ms (default 10000). Env: PARLEY_HANDSHAKE_TIMEOUT_MS") var handshakeTimeoutMs: UInt64?
    @Option(help: "Subscriptions per session (default 32). Env: PARLEY_MAX_SUBSCRIPTIONS") var maxSubscriptions: UInt64?
    @Option(help: "Unacknowledged events per session before SLOW_CONSUMER (default 4096; twice that is kept for resumption). Env: PARLEY_MAX_RETAINED") var maxRetained: Int?
    @Option(help: "The same bound in bytes (default 4194304). Env: PARLEY_MAX_RETAINED_BYTES") var maxRetainedBytes: Int?
    @Option(help: "Per-frame zlib compression on the byte stream: on or off (default on). Env: PARLEY_COMPRESSION") var compression: String?
    @Option(help: "Smallest payload compressed, bytes (default 512). Env: PARLEY_COMPRESSION_THRESHOLD") var compressionThreshold: UInt64?
    @Option(help: "zlib level 0-9 (default 6). Env: PARLEY_COMPRESSION_LEVEL") var compressionLevel: UInt64?
    @Option(help: "WebSocket permessage-deflate: on or off (default on). Env: PARLEY_WS_DEFLATE") var wsDeflate: String?
    @Option(help: "permessage-deflate context takeover: on keeps ~100-300 KB of zlib windows per compressing connection for a better ratio; off (default) asks for no context takeover both ways, so idle connections hold none (COMP-23). Env: PARLEY_WS_CONTEXT_TAKEOVER") var wsContextTakeover: String?
    @Option(help: "An assigned agent's time to answer before re-routing, ms; 0: never (default 60000). Env: PARLEY_ANSWER_TIMEOUT_MS") var answerTimeoutMs: UInt64?
    @Option(help: "A disconnected agent's grace period, ms (default 30000). Env: PARLEY_DISCONNECT_GRACE_MS") var disconnectGraceMs: UInt64?
    @Option(help: "Presence grace after the last connection closes, ms (default 10000). Env: PARLEY_PRESENCE_GRACE_MS") var presenceGraceMs: UInt64?
    @Option(help: "Inactivity before a connection counts as away, ms (default 300000). Env: PARLEY_IDLE_AWAY_MS") var idleAwayMs: UInt64?
    @Option(help: "Typing expiry, ms (default 6000). Env: PARLEY_TYPING_EXPIRY_MS") var typingExpiryMs: UInt64?
    @Option(help: "Typing throttle, ms (default 2000). Env: PARLEY_TYPING_THROTTLE_MS") var typingThrottleMs: UInt64?
    @Option(help: "Queue-position push interval, ms; 0: every change (default 1000). Env: PARLEY_QUEUE_POSITION_INTERVAL_MS") var queuePositionIntervalMs: UInt64?
    @Option(help: "Reopen window after a close, ms (default 900000). Env: PARLEY_REOPEN_WINDOW_MS") var reopenWindowMs: UInt64?
    @Option(help: "Time an invitation waits for an answer, ms; 0: never expires (default 120000). Env: PARLEY_INVITATION_TIMEOUT_MS") var invitationTimeoutMs: UInt64?
    @Option(help: "Silence before an active conversation closes, ms; 0: never (default 1800000). Env: PARLEY_INACTIVITY_TIMEOUT_MS") var inactivityTimeoutMs: UInt64?
    @Option(help: "Open conversations per visitor (default 3). Env: PARLEY_MAX_OPEN_CONVERSATIONS") var maxOpenConversations: Int?
    @Option(help: "Highest priority a visitor may ask for (default 10). Env: PARLEY_MAX_PRIORITY") var maxPriority: UInt32?
    @Option(help: "Concurrency limit of agents who set none (default 3). Env: PARLEY_DEFAULT_MAX_CONCURRENT") var defaultMaxConcurrent: Int?
    @Option(help: "Highest concurrency limit an agent may set (default 20). Env: PARLEY_MAX_CONCURRENT_CAP") var maxConcurrentCap: Int?
    @Option(help: "Most waiting conversations in one queue-feed message (default 50). Env: PARLEY_QUEUE_FEED_MAX") var queueFeedMax: Int?
    @Option(help: "Longest first-message preview in the queue feed, bytes (default 200). Env: PARLEY_QUEUE_PREVIEW_MAX") var queuePreviewMax: Int?
    @Option(help: "Most events in one staff search page (default 50). Env: PARLEY_SEARCH_PAGE_MAX") var searchPageMax: Int?
    @Option(help: "Rate-limited inputs in a row before RATE_LIMIT_ABUSE (default 10). Env: PARLEY_RATE_ABUSE_THRESHOLD") var rateAbuseThreshold: Int?
    @Option(help: "Agents see visitors' drafts in new conversations: on or off (default off). Env: PARLEY_DRAFT_PREVIEWS") var draftPreviews: String?
    @Option(help: "Connections open at once per source address, 0 = unlimited (default 50). Env: PARLEY_ADDRESS_CONNECTIONS") var addressConnections: UInt64?
    @Option(help: "Hellos per minute per source address, 0 = unlimited (default 120). Env: PARLEY_ADDRESS_HANDSHAKES_PER_MINUTE") var addressHandshakesPerMinute: UInt64?
    @Option(help: "New anonymous visitors per hour per source address, 0 = unlimited (default 60). Env: PARLEY_ADDRESS_ANONYMOUS_PER_HOUR") var addressAnonymousPerHour: UInt64?
    @Option(help: "Conversations created per hour per source address, 0 = unlimited (default 30). Env: PARLEY_ADDRESS_CONVERSATIONS_PER_HOUR") var addressConversationsPerHour: UInt64?
    @Option(help: "Prefix length keying IPv4 source addresses (default 32). Env: PARLEY_ADDRESS_IPV4_PREFIX") var addressIpv4Prefix: Int?
    @Option(help: "Prefix length keying IPv6 source addresses (default 64). Env: PARLEY_ADDRESS_IPV6_PREFIX") var addressIpv6Prefix: Int?
    @Option(help: "A reverse proxy (CIDR) whose X-Forwarded-For/Forwarded headers name the client on WebSocket upgrades; repeatable. Env: PARLEY_TRUSTED_PROXY (comma-separated)") var trustedProxy: [String] = []
    @Option(help: "How long a closing connection keeps reading before it closes, ms (default 2000; ERR-3). Env: PARLEY_CLOSE_LINGER_MS") var closeLingerMs: Int?
    @Option(help: "PEM certificate (chain) file: serve HTTPS/WSS and TLS on the byte stream; needs --tls-key. Env: PARLEY_TLS_CERT") var tlsCert: String?
    @Option(help: "PEM private key file for --tls-cert. Env: PARLEY_TLS_KEY") var tlsKey: String?
    @Option(help: "Serve the website side from this folder instead of the copy built in (development: edit Web/ without rebuilding). Env: PARLEY_WEB_ROOT") var webRoot: String?
    @Option(help: "A web origin (https://shop.example) whose pages may open sessions, besides this server's own and loopback pages; repeatable (WS-6). Env: PARLEY_ALLOW_ORIGIN (comma-separated)") var allowOrigin: [String] = []

    /// The flag's value, else the environment variable's, else `fallback`.
    static func pick<T: LosslessStringConvertible>(_ flag: T?, _ variable: String, _ fallback: T) -> T {
        if let flag { return flag }
        if let text = ProcessInfo.processInfo.environment[variable], let value = T(text) { return value }
        return fallback
    }

    /// The server configuration these options describe.
    /// Whether a key was given (flag or variable).
    var keyGiven: Bool { !Self.pick(key, "PARLEY_KEY", "").isEmpty }

    func serverConfiguration() throws -> ServerConfiguration {
        var session = SessionConfiguration()
        session.maxFrame = Self.pick(maxFrame, "PARLEY_MAX_FRAME", session.maxFrame)
        session.maxMessage = Self.pick(maxMessage, "PARLEY_MAX_MESSAGE", session.maxMessage)
        session.maxText = Self.pick(maxText, "PARLEY_MAX_TEXT", session.maxText)
        session.messageRate = Self.pick(messageRate, "PARLEY_MESSAGE_RATE", session.messageRate)
        session.messageBurst = Self.pick(messageBurst, "PARLEY_MESSAGE_BURST", session.messageBurst)
        session.typingRate = Self.pick(typingRate, "PARLEY_TYPING_RATE", session.typingRate)
        session.presenceRate = Self.pick(presenceRate, "PARLEY_PRESENCE_RATE", session.presenceRate)
        session.heartbeatMs = Self.pick(heartbeatMs, "PARLEY_HEARTBEAT_MS", session.heartbeatMs)
        session.heartbeatTimeoutMs = Self.pick(heartbeatTimeoutMs, "PARLEY_HEARTBEAT_TIMEOUT_MS", session.heartbeatTimeoutMs)
        session.resumeWindowMs = Self.pick(resumeWindowMs, "PARLEY_RESUME_WINDOW_MS", session.resumeWindowMs)
        session.handshakeTimeoutMs = Self.pick(handshakeTimeoutMs, "PARLEY_HANDSHAKE_TIMEOUT_MS", session.handshakeTimeoutMs)
        session.maxSubscriptions = Self.pick(maxSubscriptions, "PARLEY_MAX_SUBSCRIPTIONS", session.maxSubscriptions)
        session.maxRetainedEvents = Self.pick(maxRetained, "PARLEY_MAX_RETAINED", session.maxRetainedEvents)
        session.maxRetainedBytes = Self.pick(maxRetainedBytes, "PARLEY_MAX_RETAINED_BYTES", session.maxRetainedBytes)
        session.compression = Wire.Compression(
            enabled: Self.pick(compression, "PARLEY_COMPRESSION", "on") != "off",
            threshold: Self.pick(compressionThreshold, "PARLEY_COMPRESSION_THRESHOLD", 512),
            level: min(9, Self.pick(compressionLevel, "PARLEY_COMPRESSION_LEVEL", 6)))
        var address = AddressLimits()
        address.connections = Self.pick(addressConnections, "PARLEY_ADDRESS_CONNECTIONS", address.connections)
        address.handshakesPerMinute = Self.pick(addressHandshakesPerMinute, "PARLEY_ADDRESS_HANDSHAKES_PER_MINUTE", address.handshakesPerMinute)
        address.anonymousPerHour = Self.pick(addressAnonymousPerHour, "PARLEY_ADDRESS_ANONYMOUS_PER_HOUR", address.anonymousPerHour)
        address.conversationsPerHour = Self.pick(
            addressConversationsPerHour, "PARLEY_ADDRESS_CONVERSATIONS_PER_HOUR", address.conversationsPerHour)
        address.ipv4Prefix = Self.pick(addressIpv4Prefix, "PARLEY_ADDRESS_IPV4_PREFIX", address.ipv4Prefix)
        address.ipv6Prefix = Self.pick(addressIpv6Prefix, "PARLEY_ADDRESS_IPV6_PREFIX", address.ipv6Prefix)
        guard (0...32).contains(address.ipv4Prefix), (0...128).contains(address.ipv6Prefix) else {
            throw ValidationError("--address-ipv4-prefix must be 0...32 and --address-ipv6-prefix 0...128")
        }
        session.address = address
        let teamList = Self.pick(teams, "PARLEY_TEAMS", "support").split(separator: ",").map(String.init)
        let keyText = Self.pick(key, "PARLEY_KEY", "")
        let keyBytes = keyText.isEmpty ? (0..<32).map { _ in UInt8.random(in: 0...255) } : try Self.hex(keyText)
        session.rateAbuseThreshold = Self.pick(rateAbuseThreshold, "PARLEY_RATE_ABUSE_THRESHOLD", session.rateAbuseThreshold)
        var chat = LiveChatConfiguration()
        chat.answerTimeoutMs = Self.pick(answerTimeoutMs, "PARLEY_ANSWER_TIMEOUT_MS", chat.answerTimeoutMs)
        chat.disconnectGraceMs = Self.pick(disconnectGraceMs, "PARLEY_DISCONNECT_GRACE_MS", chat.disconnectGraceMs)
        chat.queuePositionIntervalMs = Self.pick(queuePositionIntervalMs, "PARLEY_QUEUE_POSITION_INTERVAL_MS", chat.queuePositionIntervalMs)
        chat.reopenWindowMs = Self.pick(reopenWindowMs, "PARLEY_REOPEN_WINDOW_MS", chat.reopenWindowMs)
        chat.invitationTimeoutMs = Self.pick(invitationTimeoutMs, "PARLEY_INVITATION_TIMEOUT_MS", chat.invitationTimeoutMs)
        chat.inactivityTimeoutMs = Self.pick(inactivityTimeoutMs, "PARLEY_INACTIVITY_TIMEOUT_MS", chat.inactivityTimeoutMs)
        chat.maxOpenPerVisitor = Self.pick(maxOpenConversations, "PARLEY_MAX_OPEN_CONVERSATIONS", chat.maxOpenPerVisitor)
        chat.maxPriority = Self.pick(maxPriority, "PARLEY_MAX_PRIORITY", chat.maxPriority)
        chat.defaultMaxConcurrent = Self.pick(defaultMaxConcurrent, "PARLEY_DEFAULT_MAX_CONCURRENT", chat.defaultMaxConcurrent)
        chat.maxConcurrentCap = Self.pick(maxConcurrentCap, "PARLEY_MAX_CONCURRENT_CAP", chat.maxConcurrentCap)
        chat.queueFeedMax = Self.pick(queueFeedMax, "PARLEY_QUEUE_FEED_MAX", chat.queueFeedMax)
        chat.queuePreviewBytes = Self.pick(queuePreviewMax, "PARLEY_QUEUE_PREVIEW_MAX", chat.queuePreviewBytes)
        chat.searchPageMax = Self.pick(searchPageMax, "PARLEY_SEARCH_PAGE_MAX", chat.searchPageMax)
        var presence = PresenceConfiguration()
        presence.gracePeriodMilliseconds = Self.pick(presenceGraceMs, "PARLEY_PRESENCE_GRACE_MS", presence.gracePeriodMilliseconds)
        presence.idleAfterMilliseconds = Self.pick(idleAwayMs, "PARLEY_IDLE_AWAY_MS", presence.idleAfterMilliseconds)
        var typing = TypingConfiguration()
        typing.expiryMilliseconds = Self.pick(typingExpiryMs, "PARLEY_TYPING_EXPIRY_MS", typing.expiryMilliseconds)
        typing.throttleMilliseconds = Self.pick(typingThrottleMs, "PARLEY_TYPING_THROTTLE_MS", typing.throttleMilliseconds)
        var configuration = ServerConfiguration(
            key: keyBytes, teams: teamList, session: session, chat: chat, presence: presence, typing: typing)
        configuration.draftPreviews = Self.pick(draftPreviews, "PARLEY_DRAFT_PREVIEWS", "off") == "on"
        return configuration
    }

    /// The transport configuration these options describe.
    func transportConfiguration(_ server: ServerConfiguration) throws -> ParleyNIOServer.Configuration {
        let proxies = trustedProxy.isEmpty
            ? (ProcessInfo.processInfo.environment["PARLEY_TRUSTED_PROXY"] ?? "").split(separator: ",").map(String.init) : trustedProxy
        let trusted = try proxies.map { text in
            guard let range = AddressRange(text) else { throw ValidationError("--trusted-proxy \(text) is not an address or CIDR range") }
            return range
        }
        let origins = allowOrigin.isEmpty
            ? (ProcessInfo.processInfo.environment["PARLEY_ALLOW_ORIGIN"] ?? "").split(separator: ",").map(String.init) : allowOrigin
        return ParleyNIOServer.Configuration(
            host: Self.pick(host, "PARLEY_HOST", "127.0.0.1"), streamPort: Self.pick(port, "PARLEY_PORT", 7400),
            httpPort: Self.pick(httpPort, "PARLEY_HTTP_PORT", 7401), maxFramePayload: Int(server.session.maxFrame),
            maxMessage: Int(server.session.maxMessage), threads: Self.pick(threads, "PARLEY_THREADS", System.coreCount),
            webSocketDeflate: Self.pick(wsDeflate, "PARLEY_WS_DEFLATE", "on") == "off" ? nil : webSocketDeflate(),
            trustedProxies: trusted, closeLingerMs: Self.pick(closeLingerMs, "PARLEY_CLOSE_LINGER_MS", 2_000),
            origins: OriginPolicy(allowed: Set(origins)), tls: try tlsContext())
    }

    /// The permessage-deflate preferences: no context takeover in either direction unless
    /// `--ws-context-takeover on` (COMP-23).
    private func webSocketDeflate() -> PerMessageDeflateNegotiation {
        let takeover = Self.pick(wsContextTakeover, "PARLEY_WS_CONTEXT_TAKEOVER", "off") == "on"
        return PerMessageDeflateNegotiation(serverNoContextTakeover: !takeover, clientNoContextTakeover: !takeover)
    }

    /// The TLS context of `--tls-cert` and `--tls-key`, or `nil` when neither is given.
    func tlsContext() throws -> NIOSSLContext? {
        let environment = ProcessInfo.processInfo.environment
        let cert = tlsCert ?? environment["PARLEY_TLS_CERT"]
        let key = tlsKey ?? environment["PARLEY_TLS_KEY"]
        guard cert != nil || key != nil else { return nil }
        guard let cert, let key else { throw ValidationError("--tls-cert and --tls-key go together") }
        do {
            return try ParleyNIOServer.tlsContext(certificateFile: cert, keyFile: key)
        } catch {
            throw ValidationError("cannot use --tls-cert \(cert) / --tls-key \(key): \(error)")
        }
    }

    static func hex(_ text: String) throws -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count >= 32, digits.count % 2 == 0 else { throw ValidationError("--key must be at least 16 bytes of hex") }
        return try stride(from: 0, to: digits.count, by: 2).map { i in
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else {
                throw ValidationError("--key must be hex")
            }
            return byte
        }
    }
}
