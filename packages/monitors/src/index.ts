// The PNG encoder and its helpers come from @trainkit/plot (re-exported for existing imports).
export { crc32, type Deflate, encodePng, toBase64, zlibStored } from '@trainkit/plot';
export { type ActivationProbe, activationProbe, activationRecords } from './activation-probe';
export {
  type ClassificationRecordOptions,
  classificationRecord,
} from './classification-record';
export { consoleSink } from './console-sink';
export { type DiagnoseOptions, diagnose, type Finding, type Severity } from './diagnose';
export { filterGrid, filterRoughness } from './filters';
export { type HtmlReportOptions, htmlReport } from './html-report';
export { formatJsonl, parseJsonl } from './jsonl';
export { type Monitor, type MonitorOptions, monitor } from './monitor';
export { linePlot, lossCurvePng, type RgbaImage, type Series } from './plot-png';
export {
  type ActivationRecord,
  type BeginRecord,
  type ClassificationRecord,
  type EndRecord,
  type EpochRecord,
  type FiltersRecord,
  type Histogram,
  type LayerRecord,
  type MonitorRecord,
  type PrecisionRecallF1,
  RunLog,
  type StepRecord,
  type Summary,
} from './records';
export type { Sink } from './sink';
export { ema, histogram, linearFit, median, summarize } from './stats';
export {
  crc32c,
  type DecodedEvent,
  decodeEvent,
  encodeEvent,
  maskedCrc32c,
  readTfRecords,
  type TbValue,
  tfRecord,
} from './tensorboard';
export { recordToTbValues, tensorboardSink } from './tensorboard-sink';
