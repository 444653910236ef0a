import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { kafkaJvmOptions } from '../../scripts/services/kafka.js';

test('the broker JVM runs with the light defaults unless Kafka\'s own variables say otherwise', () => {
  assert.deepEqual(kafkaJvmOptions({}), ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true']);
  assert.deepEqual(
    kafkaJvmOptions({ KAFKA_HEAP_OPTS: ' -Xms1g  -Xmx1g ', KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseG1GC -XX:MaxGCPauseMillis=20' }),
    ['-Xms1g', '-Xmx1g', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true'],
  );
  // Set but empty means unset (a shell's `KAFKA_HEAP_OPTS=` must not start a JVM with no heap flags at all).
  assert.deepEqual(kafkaJvmOptions({ KAFKA_HEAP_OPTS: '' }).slice(0, 2), ['-Xms128m', '-Xmx512m']);
});
