/// Why a MongoDB operation failed: a code to branch on, libmongoc's `bson_error_t` domain and
/// code, and its message.
public struct MongoError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The connection string could not be parsed.
        case invalidURI
        /// No server could be selected or the socket failed: the database is unavailable.
        case connectionFailure
        /// A unique index rejected a write (server code 11000).
        case duplicateKey
        /// The server answered with an error.
        case serverError
        /// libmongoc refused the operation before or after talking to the server.
        case clientError
        /// A document did not hold a field of the expected type.
        case unexpectedDocument
        /// The pool was closed.
        case closed
    }

    public let code: Code
    /// The `bson_error_t` domain (`mongoc_error_domain_t`); 0 for errors raised by this wrapper.
    public let domain: UInt32
    /// The `bson_error_t` code: a server error code in domain `MONGOC_ERROR_SERVER`, a
    /// `mongoc_error_code_t` otherwise; 0 for errors raised by this wrapper.
    public let nativeCode: UInt32
    public let message: String
    /// The per-document errors of a bulk write, empty for other operations.
    public let writeErrors: [MongoWriteError]

    public init(code: Code, domain: UInt32 = 0, nativeCode: UInt32 = 0, message: String,
                writeErrors: [MongoWriteError] = []) {
        self.code = code
        self.domain = domain
        self.nativeCode = nativeCode
        self.message = message
        self.writeErrors = writeErrors
    }

    /// Server code of a unique index violation.
    public static let duplicateKeyCode: Int32 = 11000

    /// True when a unique index rejected the write; for a bulk write, when every rejected
    /// document was a duplicate (the others were written).
    public var isDuplicateKey: Bool {
        if !writeErrors.isEmpty { return writeErrors.allSatisfy { $0.code == Self.duplicateKeyCode } }
        return code == .duplicateKey
    }

    /// True when the database could not be reached, so a caller can answer "unavailable"
    /// rather than "failed".
    public var isConnectionFailure: Bool { code == .connectionFailure }

    /// Server codes with which a document is refused for good: BadValue, TypeMismatch,
    /// DocumentValidationFailure, BSONObjectTooLarge and the "document too large" family.
    /// NotWritablePrimary, network errors and interrupted operations are not among these.
    public static let dataRejectionCodes: Set<UInt32> = [2, 14, 121, 10334, 17419, 17420, 16493]

    /// True when the server refused the data itself: retrying the same write cannot succeed.
    /// For a bulk write, when every rejected operation was such a refusal.
    public var isDataRejection: Bool {
        if !writeErrors.isEmpty { return writeErrors.allSatisfy { Self.dataRejectionCodes.contains(UInt32(bitPattern: $0.code)) } }
        return code == .serverError && Self.dataRejectionCodes.contains(nativeCode)
    }

    public var description: String {
        domain == 0 ? message : "\(message) (domain \(domain), code \(nativeCode))"
    }

    static func unexpected(_ message: String) -> MongoError {
        MongoError(code: .unexpectedDocument, message: message)
    }
}

/// One document a bulk write rejected.
public struct MongoWriteError: Sendable, Hashable {
    /// Position of the document in the batch.
    public let index: Int
    /// Server error code, e.g. 11000 for a duplicate key.
    public let code: Int32
    public let message: String

    public init(index: Int, code: Int32, message: String) {
        self.index = index
        self.code = code
        self.message = message
    }
}
