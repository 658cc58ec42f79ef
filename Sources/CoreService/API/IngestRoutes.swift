import Clocks
import CoreStorage
import CompressNIO
import Foundation
import Hummingbird
import Logging
import Readings

/// `POST /api/v1/batches`, `POST /api/v1/alerts` and `POST /api/v1/edges/status`: what the edges send.
struct IngestRoutes: Sendable {
    let store: any ReadingStore
    let authorizer: Authorizer
    let limits: CoreConfiguration.HTTP
    let metrics: CoreMetrics
    let fleet: EdgeFleet
    let devices: DeviceRegistry
    let logger: Logger

    func add(to router: Router<CoreRequestContext>) {
        // Every refused request counts, whatever the reason (auth, size, content, key); so does every
        // request the store could not take.
        router.post("/api/v1/batches") { request, context in
            do {
                return try await self.postBatch(request, context: context)
            } catch let error as APIError {
                metrics.batchesRejected.increment()
                throw error
            } catch let error as ReadingStoreError where error.refusesRequest {
                metrics.batchesRejected.increment()
                throw error
            } catch {
                metrics.ingestErrors.increment()
                throw error
            }
        }
        router.post("/api/v1/alerts") { request, context in
            do {
                return try await self.postAlerts(request, context: context)
            } catch let error as APIError {
                metrics.alertPostsRejected.increment()
                throw error
            } catch let error as ReadingStoreError where error.refusesRequest {
                metrics.alertPostsRejected.increment()
                throw error
            } catch {
                metrics.ingestErrors.increment()
                throw error
            }
        }
        router.post("/api/v1/edges/status") { request, context in
            do {
                return try await self.postStatus(request, context: context)
            } catch let error as APIError {
                metrics.statusReportsRejected.increment()
                throw error
            } catch let error as ReadingStoreError where error.refusesRequest {
                metrics.statusReportsRejected.increment()
                throw error
            } catch {
                metrics.ingestErrors.increment()
                throw error
            }
        }
    }

    /// Takes an edge's status report (``Readings/EdgeStatusCodec``): the fleet view keeps it and
    /// the store keeps the latest; 200 `{"status":"recorded"}`.
    func postStatus(_ request: Request, context: CoreRequestContext) async throws -> Response {
        let edge = try await authorizer.edge(of: request, context: context)
        let bytes = try await body(of: request, context: context)
        let status: EdgeStatus
        do {
            status = try EdgeStatusCodec.decode(bytes.readableBytesView)
        } catch {
            throw APIError.badRequest(error.description)
        }
        guard status.edge == edge else {
            throw APIError.forbidden("this token belongs to edge \(edge), the status to edge \(status.edge.prefix(128))")
        }
        guard authorizer.edgeTokens.allows(edge: edge, site: status.site) else {
            throw APIError.forbidden("edge \(edge) may not report for site \(status.site.prefix(128)) (its sites are listed in the edge token file)")
        }
        let receivedAt = WallClock.millis()
        fleet.record(status, receivedAtMillis: receivedAt)
        metrics.statusReports.increment()
        do {
            try await store.record(edgeStatus: StoredEdgeStatus(
                edge: edge, site: status.site, json: String(decoding: EdgeStatusCodec.encode(status), as: UTF8.self),
                receivedAtMillis: receivedAt))
        } catch {
            // The fleet view has it; only a restart would forget it until the next report.
            logger.warning("an edge's status report could not be stored", metadata: ["edge": "\(edge)", "error": "\(error)"])
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"recorded"}"#)))
    }

    /// Stores one batch exactly once: 200 `{"status":"stored","readings":N}` or, for an
    /// `(edge, spool, seq)` stored before with the same readings, 200 `{"status":"duplicate"}`;
    /// with other readings, 409 `batch_conflict`.
    func postBatch(_ request: Request, context: CoreRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let edge = try await authorizer.edge(of: request, context: context)
        let bytes = try await body(of: request, context: context)
        let batch: Batch
        do {
            // Stops at max_batch_readings, before allocating for more.
            batch = try BatchCodec.decode(bytes.readableBytesView, maxReadings: limits.maxBatchReadings)
        } catch where error.code == .tooManyReadings {
            throw APIError.tooLarge("the batch is too large: \(error.message); at most \(limits.maxBatchReadings) readings are accepted (http.max_batch_readings)")
        } catch {
            throw APIError.badRequest("not a valid batch: \(error)")
        }
        guard batch.edge == edge else {
            throw APIError.forbidden("this token belongs to edge \(edge), the batch to edge \(batch.edge)")
        }
        if let key = request.headers.first(where: { $0.name.canonicalName == "idempotency-key" })?.value, key != batch.idempotencyKey {
            throw APIError.badRequest("Idempotency-Key \(key.prefix(80)) does not match the batch (\(batch.idempotencyKey))")
        }
        // Series a batch names are checked where they are named: inline, or defined by key (a
        // key keeps its series for the dictionary's life, so later batches using it passed here).
        for series in batch.series where !authorizer.edgeTokens.allows(edge: edge, site: series.site) {
            throw APIError.forbidden("edge \(edge) may not write site \(series.site.prefix(128)) (its sites are listed in the edge token file)")
        }
        // Keys are spool series ids, dense from 1: a key past the quota is an edge with too many
        // series (or a hostile one), and would grow the core's per-edge dictionary.
        let largest = batch.dictionary == nil ? 0 : max(batch.seriesKeys.max() ?? 0, batch.sid.max() ?? 0)
        if Int(largest) >= limits.maxSeriesPerEdge {
            throw APIError.conflict(
                code: "series_quota",
                "batch \(batch.idempotencyKey) names series key \(largest): edge \(edge) may have at most \(limits.maxSeriesPerEdge) series (http.max_series_per_edge); nothing stored")
        }
        let receivedAt = WallClock.millis()
        let outcome = try await store.ingest(batch, receivedAtMillis: receivedAt)
        let json: String
        switch outcome {
        case .stored(let readings):
            await noteDevices(of: batch, receivedAtMillis: receivedAt)
            metrics.batchesStored.increment()
            metrics.readingsStored.increment(by: Int64(readings))
            json = #"{"status":"stored","readings":\#(readings)}"#
        case .duplicate:
            metrics.batchesDuplicate.increment()
            json = #"{"status":"duplicate"}"#
        }
        metrics.ingestDuration.recordNanoseconds((ContinuousClock.now - started).wholeNanoseconds)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    /// Adds a stored batch to the device registry, first asking the store for the series of
    /// dictionary keys the registry does not know (a core restarted since the edge defined them).
    private func noteDevices(of batch: Batch, receivedAtMillis: Int64) async {
        if let dictionary = batch.dictionary, devices.needsKeys(batch) {
            do {
                devices.learn(edge: batch.edge, dictionary: dictionary, series: try await store.seriesKeys(edge: batch.edge, dictionary: dictionary))
            } catch {
                logger.warning("the store did not name an edge's series keys for the device registry", metadata: ["edge": "\(batch.edge)", "error": "\(error)"])
            }
        }
        devices.record(batch, receivedAtMillis: receivedAtMillis)
    }

    /// Stores alert notifications and stop-command records:
    /// `{"alerts":[{…webhook data…, "at"}],"commands":[…],"edge":"seoul-a"}` (``Readings/AlertCodec``).
    func postAlerts(_ request: Request, context: CoreRequestContext) async throws -> Response {
        let edge = try await authorizer.edge(of: request, context: context)
        let bytes = try await body(of: request, context: context)
        let post = try AlertRecordParser.parse(bytes.readableBytesView, edge: edge)
        var records: [AlertRecord] = []
        records.reserveCapacity(post.notices.count)
        for (index, notice) in post.notices.enumerated() {
            guard !notice.alert.rule.hasPrefix("core:") else {
                throw APIError.badRequest("alerts[\(index)].rule: names starting with core: are the core's own alarms")
            }
            guard authorizer.edgeTokens.allows(edge: edge, site: notice.alert.site) else {
                throw APIError.forbidden("alerts[\(index)]: edge \(edge) may not write site \(notice.alert.site.prefix(128)) (its sites are listed in the edge token file)")
            }
            records.append(AlertRecordParser.record(notice, edge: edge))
        }
        for (index, command) in post.commands.enumerated() where !authorizer.edgeTokens.allows(edge: edge, site: command.site) {
            throw APIError.forbidden("commands[\(index)]: edge \(edge) may not write site \(command.site.prefix(128)) (its sites are listed in the edge token file)")
        }
        let stored = try await store.ingest(alerts: records)
        metrics.alertsStored.increment(by: Int64(stored))
        // After the alerts: a command's record names an alert the page can then show.
        let commands = try await store.ingest(commands: post.commands, edge: edge)
        metrics.commandsStored.increment(by: Int64(commands))
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"stored","alerts":\#(stored),"commands":\#(commands)}"#)))
    }

    /// The body, within `http.max_body` as sent and `http.max_decompressed` once decompressed.
    private func body(of request: Request, context: CoreRequestContext) async throws -> ByteBuffer {
        // The media type itself, parameters (`; charset=utf-8`) aside: not a prefix match.
        if let type = request.headers[.contentType],
            type.split(separator: ";", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces).lowercased() != "application/json"
        {
            throw APIError.unsupportedMediaType("Content-Type must be application/json, got \(type.prefix(60))")
        }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limits.maxBody)
        } catch {
            throw APIError.tooLarge("the body is larger than \(limits.maxBody) bytes")
        }
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity":
            return buffer
        case "gzip":
            do {
                let inflated = try buffer.decompress(with: .gzip(), maxSize: limits.maxDecompressed)
                // The decompressor may fill a buffer rounded up past `maxSize`: the limit is ours to hold.
                guard inflated.readableBytes <= limits.maxDecompressed else { throw CompressNIOError.bufferOverflow }
                return inflated
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw APIError.tooLarge("the body decompresses to more than \(limits.maxDecompressed) bytes")
            } catch {
                throw APIError.badRequest("the body is not valid gzip")
            }
        case let other?:
            throw APIError.unsupportedMediaType("Content-Encoding \(other.prefix(40)) is not supported (use gzip or none)")
        }
    }
}
