import Testing

/// The store contract on the reference ``MemoryStore``.
@Suite struct MemoryStoreContractTests {
    @Test("MemoryStore keeps the store contract", arguments: ContractCase.inMemory)
    func contract(_ contractCase: ContractCase) async throws {
        try await contractCase.run(on: .memory)
    }
}

/// The store contract on ``SQLiteStore``, in a temporary directory.
@Suite struct SQLiteStoreContractTests {
    @Test("SQLiteStore keeps the store contract", arguments: ContractCase.allCases)
    func contract(_ contractCase: ContractCase) async throws {
        try await contractCase.run(on: .sqlite)
    }
}

/// The store contract on ``PostgresStore``, each case in a database of its own; skipped without
/// a server (`PARLEY_TEST_POSTGRES`).
@Suite(.enabled(PostgresTestServer.skipReason) { await PostgresTestServer.isReachable })
struct PostgresStoreContractTests {
    @Test("PostgresStore keeps the store contract", arguments: ContractCase.allCases)
    func contract(_ contractCase: ContractCase) async throws {
        try await contractCase.run(on: .postgres)
    }
}
