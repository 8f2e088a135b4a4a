import CLibPQ

/// The `pg_type` OIDs the binary codec knows; fixed since PostgreSQL 7 (`pg_type.dat`).
enum TypeOID {
    /// Lets the server infer the type, as for an untyped literal; used for NULL parameters.
    static let unspecified: Oid = 0
    static let bool: Oid = 16
    static let bytea: Oid = 17
    static let char: Oid = 18
    static let name: Oid = 19
    static let int8: Oid = 20
    static let int2: Oid = 21
    static let int4: Oid = 23
    static let text: Oid = 25
    static let oid: Oid = 26
    static let float4: Oid = 700
    static let float8: Oid = 701
    static let unknown: Oid = 705
    static let bpchar: Oid = 1042
    static let varchar: Oid = 1043
    static let timestamp: Oid = 1114
    static let timestamptz: Oid = 1184
    static let void: Oid = 2278
}
