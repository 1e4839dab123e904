import { describe, expect, it } from 'vitest';
import { describeConfig, parseConfigText } from '../../../electron/service/config/config.js';
import { configFileError } from '../../helpers.js';

const FILE = '/etc/kiosk/config.toml';
const TOKEN = 'metrics-token-0123456789abcdef';
const errorOf = (text: string): string => configFileError(() => parseConfigText(text, FILE)).message;

describe('[metrics] configuration', () => {
  it('absent: no endpoint', () => {
    expect(parseConfigText('', FILE).metrics).toEqual({ listen: undefined, token: undefined });
    expect(parseConfigText('[metrics]\n', FILE).metrics).toEqual({ listen: undefined, token: undefined });
  });

  it('listen as host:port (IPv4, a name, IPv6 in brackets), with an optional token', () => {
    expect(parseConfigText('[metrics]\nlisten = "127.0.0.1:9464"\n', FILE).metrics.listen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseConfigText('[metrics]\nlisten = "kiosk-12.lan:9100"\n', FILE).metrics.listen).toEqual({ host: 'kiosk-12.lan', port: 9100 });
    expect(parseConfigText(`[metrics]\nlisten = "[::1]:9464"\ntoken = "${TOKEN}"\n`, FILE).metrics).toEqual({
      listen: { host: '::1', port: 9464 },
      token: TOKEN,
    });
  });

  it('a wrong listen, a short token or an unknown key is an error naming the file and the key; the token is never echoed', () => {
    expect(errorOf('[metrics]\nlisten = "9464"\n')).toMatch(/config\.toml.*metrics\.listen.*host:port/s);
    expect(errorOf('[metrics]\nlisten = "127.0.0.1:70000"\n')).toMatch(/metrics\.listen/);
    expect(errorOf('[metrics]\nlisten = 9464\n')).toMatch(/metrics\.listen/);
    const short = errorOf('[metrics]\ntoken = "abc123-secret"\n');
    expect(short).toMatch(/metrics\.token.*at least 128/s);
    expect(short).not.toContain('abc123-secret');
    expect(errorOf('[metrics]\nlisen = "127.0.0.1:9464"\n')).toMatch(/metrics\.lisen.*listen/s);
  });

  it('the description for the support bundle has no token', () => {
    const described = describeConfig(parseConfigText(`[metrics]\nlisten = "[::1]:9464"\ntoken = "${TOKEN}"\n`, FILE));
    expect(described.metrics).toEqual({ listen: '[::1]:9464', tokenSet: true });
    expect(JSON.stringify(described)).not.toContain(TOKEN);
  });
});
