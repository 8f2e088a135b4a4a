import CMongoC

extension MongoError {
    /// Classifies a libmongoc error. The pool uses error API version 2, so every error the
    /// server reports has domain `MONGOC_ERROR_SERVER` and the server's own code.
    init(_ error: bson_error_t, writeErrors: [MongoWriteError] = []) {
        let domain = mongoc_error_domain_t(error.domain)
        let code: Code
        switch domain {
        case MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_STREAM:
            code = .connectionFailure
        case _ where error.code == UInt32(Self.duplicateKeyCode):
            code = .duplicateKey
        case MONGOC_ERROR_SERVER, MONGOC_ERROR_WRITE_CONCERN, MONGOC_ERROR_QUERY, MONGOC_ERROR_COMMAND:
            code = .serverError
        default:
            code = .clientError
        }
        var copy = error
        // `message` is a fixed char[504], NUL-terminated by libbson.
        let message = withUnsafeBytes(of: &copy.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        self.init(code: code, domain: error.domain, nativeCode: error.code, message: message,
                  writeErrors: writeErrors)
    }

    /// The error of a failed write, with the per-document `writeErrors` of its reply.
    init(_ error: bson_error_t, reply: BSONDocument) {
        let writeErrors: [MongoWriteError] = (try? reply.array("writeErrors"))?.compactMap { value in
            guard case .document(let entry) = value,
                  let index = try? entry.int64("index"), let code = try? entry.int64("code") else { return nil }
            return MongoWriteError(index: Int(index), code: Int32(truncatingIfNeeded: code),
                                   message: (try? entry.string("errmsg")) ?? "")
        } ?? []
        self.init(error, writeErrors: writeErrors)
    }
}
