// The parser ships without types; the tests read families of metrics from it.
declare module 'parse-prometheus-text-format' {
  export default function parse(text: string): unknown[];
}
