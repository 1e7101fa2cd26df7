import ParleyPostgres
import Testing

/// Reading where to connect from a URL and from libpq's variables.
@Suite struct PostgresConnectionSettingsTests {
    typealias Settings = PostgresConnectionSettings

    @Test("A full URL: user, percent-encoded password, host, port, database, sslmode")
    func fullURL() throws {
        let settings = try Settings(url: "postgres://parley:p%40ss%3Aword@db.example.com:6543/chat?sslmode=require")
        #expect(settings == Settings(host: "db.example.com", port: 6543, user: "parley", password: "p@ss:word", database: "chat", tls: .require))
    }

    @Test("A short URL: port 5432, the user's database, no password, sslmode prefer; postgresql:// and IPv6 hosts")
    func shortURL() throws {
        #expect(try Settings(url: "postgres://parley@127.0.0.1") == Settings(host: "127.0.0.1", user: "parley", database: "parley"))
        #expect(try Settings(url: "postgresql://ann@[::1]:25432/postgres?sslmode=disable")
            == Settings(host: "::1", port: 25432, user: "ann", database: "postgres", tls: .disable))
    }

    @Test("URLs that do not say where to connect are refused", arguments: [
        "mysql://parley@host/db", "postgres:///db", "postgres://host/db", "postgres://parley@host/db?sslmode=sometimes", "not a url",
    ])
    func invalidURL(_ url: String) {
        #expect(throws: Settings.Invalid.self) { try Settings(url: url) }
    }

    @Test("The PG variables, and their defaults")
    func environment() throws {
        let all = ["PGHOST": "db", "PGPORT": "6000", "PGUSER": "parley", "PGPASSWORD": "secret", "PGDATABASE": "chat", "PGSSLMODE": "verify-full"]
        #expect(try Settings(environment: all)
            == Settings(host: "db", port: 6000, user: "parley", password: "secret", database: "chat", tls: .verifyFull))
        #expect(try Settings(environment: ["USER": "ann", "PGHOST": ""]) == Settings(host: "localhost", user: "ann", database: "ann"))
    }

    @Test("Variables without a user, or with a bad port or mode, are refused", arguments: [
        [String: String](), ["PGUSER": "parley", "PGPORT": "70000"], ["PGUSER": "parley", "PGPORT": "x"], ["PGUSER": "parley", "PGSSLMODE": "on"],
    ])
    func invalidEnvironment(_ environment: [String: String]) {
        #expect(throws: Settings.Invalid.self) { try Settings(environment: environment) }
    }
}
