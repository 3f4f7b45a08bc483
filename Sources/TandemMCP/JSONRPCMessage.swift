import TandemCore

/// One message read from a server, classified by JSON-RPC 2.0's rules.
enum JSONRPCMessage: Sendable, Equatable {
    /// An answer to one of our requests.
    case response(id: JSONValue, result: Result<JSONValue, RemoteError>)
    /// The server asks us something (ping, sampling, roots...).
    case request(id: JSONValue, method: String, params: JSONValue?)
    /// The server tells us something (logging, list changed, progress).
    case notification(method: String, params: JSONValue?)

    /// A JSON-RPC error object.
    struct RemoteError: Error, Sendable, Equatable {
        let code: Int
        let message: String
    }

    /// Classifies `json`; nil when it is not a JSON-RPC 2.0 message.
    init?(json: JSONValue) {
        guard json["jsonrpc"]?.stringValue == "2.0" else { return nil }
        let id = json["id"]
        if let method = json["method"]?.stringValue {
            if let id, !id.isNull { self = .request(id: id, method: method, params: json["params"]) }
            else { self = .notification(method: method, params: json["params"]) }
            return
        }
        guard let id, id.stringValue != nil || id.intValue != nil else { return nil }
        if let result = json["result"] {
            self = .response(id: id, result: .success(result))
        } else if let error = json["error"], let code = error["code"]?.intValue {
            self = .response(id: id, result: .failure(RemoteError(code: code, message: error["message"]?.stringValue ?? "")))
        } else {
            return nil
        }
    }

    /// A request line (without the newline).
    static func encodeRequest(id: Int, method: String, params: JSONValue?) -> String {
        var message: JSONValue = ["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method)]
        if let params { message = message.setting("params", to: params) }
        return JSONWriter.compact(message)
    }

    /// A notification line.
    static func encodeNotification(method: String, params: JSONValue?) -> String {
        var message: JSONValue = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { message = message.setting("params", to: params) }
        return JSONWriter.compact(message)
    }

    /// A success response line (to a server's request, e.g. ping).
    static func encodeResult(id: JSONValue, result: JSONValue) -> String {
        JSONWriter.compact(["jsonrpc": "2.0", "id": id, "result": result])
    }

    /// An error response line.
    static func encodeError(id: JSONValue, code: Int, message: String) -> String {
        JSONWriter.compact(["jsonrpc": "2.0", "id": id, "error": ["code": .number(Double(code)), "message": .string(message)]])
    }
}
