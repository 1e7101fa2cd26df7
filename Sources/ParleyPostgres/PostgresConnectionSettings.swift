import Foundation
import PostgresNIO

/// Where a ``PostgresStore`` connects, and as whom: read from a `postgres://` URL or from libpq's
/// environment variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`).
///
/// ```swift
/// let settings = try PostgresConnectionSettings(url: "postgres://parley:secret@db.internal:5432/chat")
/// let fromEnvironment = try PostgresConnectionSettings(environment: ProcessInfo.processInfo.environment)
/// ```
public struct PostgresConnectionSettings: Sendable, Hashable {
    /// The server's host name or address, or the directory of its Unix socket (a path starting
    /// with `/`).
    public var host: String
    /// The server's port (also the Unix socket's suffix, `.s.PGSQL.<port>`).
    public var port: Int
    /// The user name.
    public var user: String
    /// The password, if the server asks for one.
    public var password: String?
    /// The database.
    public var database: String
    /// Whether and how the connection uses TLS.
    public var tls: TLSMode

    /// libpq's `sslmode` values.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Never TLS.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// Always TLS, without checking the server's certificate.
        case require
        /// Always TLS, with a certificate signed by a trusted authority.
        case verifyCA = "verify-ca"
        /// Always TLS, with a trusted certificate for the host name.
        case verifyFull = "verify-full"
    }

    /// A URL or variable that does not say where to connect.
    public struct Invalid: Error, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// Settings with these values.
    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String, tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// The settings of a URL `postgres://user[:password]@host[:port]/database[?sslmode=…]`
    /// (or `postgresql://`); user and password may be percent-encoded. The port defaults to
    /// 5432, the database to the user's name, `sslmode` to `prefer`.
    ///
    /// - Throws: ``Invalid`` when the URL is not of that form.
    public init(url: String) throws(Invalid) {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw Invalid(description: "not a postgres:// URL: \(url)")
        }
        guard let host = components.host, !host.isEmpty else { throw Invalid(description: "no host in \(url)") }
        guard let user = components.user, !user.isEmpty else { throw Invalid(description: "no user in \(url)") }
        let path = components.path.drop { $0 == "/" }
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value
        self.init(
            host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: components.port ?? 5432, user: user,
            password: components.password, database: path.isEmpty ? user : String(path), tls: try Self.mode(mode))
    }

    /// The settings libpq's variables give: `PGHOST` (default `localhost`), `PGPORT` (5432),
    /// `PGUSER` (default `USER`), `PGPASSWORD`, `PGDATABASE` (default the user), `PGSSLMODE`
    /// (`prefer`).
    ///
    /// - Throws: ``Invalid`` when no user is named or a port or mode is not valid.
    public init(environment: [String: String]) throws(Invalid) {
        let value = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let user = value("PGUSER") ?? value("USER") else { throw Invalid(description: "neither PGUSER nor USER is set") }
        var port = 5432
        if let text = value("PGPORT") {
            guard let number = Int(text), (1...65535).contains(number) else { throw Invalid(description: "PGPORT is not a port: \(text)") }
            port = number
        }
        self.init(
            host: value("PGHOST") ?? "localhost", port: port, user: user, password: value("PGPASSWORD"),
            database: value("PGDATABASE") ?? user, tls: try Self.mode(value("PGSSLMODE")))
    }

    /// The configuration of a `PostgresClient` for these settings.
    public var clientConfiguration: PostgresClient.Configuration {
        if host.hasPrefix("/") {
            return PostgresClient.Configuration(
                unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        let clientTLS: PostgresClient.Configuration.TLS
        switch tls {
        case .disable:
            clientTLS = .disable
        case .prefer:
            tlsConfiguration.certificateVerification = .none
            clientTLS = .prefer(tlsConfiguration)
        case .require:
            tlsConfiguration.certificateVerification = .none
            clientTLS = .require(tlsConfiguration)
        case .verifyCA:
            tlsConfiguration.certificateVerification = .noHostnameVerification
            clientTLS = .require(tlsConfiguration)
        case .verifyFull:
            clientTLS = .require(tlsConfiguration)
        }
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: clientTLS)
    }

    private static func mode(_ name: String?) throws(Invalid) -> TLSMode {
        guard let name else { return .prefer }
        guard let mode = TLSMode(rawValue: name) else { throw Invalid(description: "unknown sslmode \(name)") }
        return mode
    }
}
