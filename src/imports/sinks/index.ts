export { createSink, type SinkConfig } from './create-sink.js';
export { createPostgresSink, type PostgresSinkOptions } from './postgres-sink.js';
export { createSqliteSink, type SqliteSinkOptions } from './sqlite-sink.js';
