/**
 * The accessibility audit of one screen state: axe-core (no serious or critical violation) and
 * touch targets of at least 48 × 48 CSS pixels, measured from the elements' bounding boxes.
 * axe is evaluated through the DevTools protocol, which the page's strict CSP does not govern,
 * so the page keeps its real CSP during the test.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const MIN_TARGET_PX = 48;

export interface AuditFinding {
  readonly rule: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: readonly string[];
}

export interface SmallTarget {
  readonly what: string;
  readonly width: number;
  readonly height: number;
}

/** axe's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<AuditFinding[]> {
  const loaded = (await page.evaluate('typeof window.axe')) as string;
  if (loaded !== 'object') await page.evaluate(AXE_SOURCE);
  // Page code as text: it runs in Chromium, not under this file's Node types.
  const results = (await page.evaluate(`(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return r.violations.map((v) => ({ rule: v.id, impact: v.impact || 'none', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  })()`)) as AuditFinding[];
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Every visible control the finger can hit (buttons, links, inputs, selects, summaries): its
 * box, and for a check box or radio the box around it and its labels (a tap on the label
 * toggles it). Returns those below the minimum.
 */
export async function smallTargets(page: Page): Promise<SmallTarget[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    const controls = document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])');
    for (const el of controls) {
      if (el.closest('[inert], [aria-hidden="true"]')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      let box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length > 0) {
        let left = box.left, top = box.top, right = box.right, bottom = box.bottom;
        for (const label of el.labels) {
          const l = label.getBoundingClientRect();
          left = Math.min(left, l.left); top = Math.min(top, l.top); right = Math.max(right, l.right); bottom = Math.max(bottom, l.bottom);
        }
        box = { width: right - left, height: bottom - top };
      }
      if (box.width + 0.5 < ${MIN_TARGET_PX} || box.height + 0.5 < ${MIN_TARGET_PX}) {
        const name = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || '').trim().slice(0, 40);
        out.push({ what: el.tagName.toLowerCase() + (el.type ? '[' + el.type + ']' : '') + ' "' + name + '"', width: Math.round(box.width), height: Math.round(box.height) });
      }
    }
    return out;
  })()`)) as SmallTarget[];
}

/** Both checks; a readable list of what failed (empty when the screen passes). */
export async function auditScreen(page: Page): Promise<string[]> {
  const problems: string[] = [];
  for (const v of await axeViolations(page)) problems.push(`axe ${v.impact} ${v.rule}: ${v.help} — ${v.targets.slice(0, 5).join(', ')}`);
  for (const s of await smallTargets(page)) problems.push(`touch target ${s.what} is ${s.width}×${s.height} px (< ${MIN_TARGET_PX})`);
  return problems;
}

/**
 * A kiosk screen or a till screen fits its viewport (the service screen, for staff, may scroll): the
 * page does not scroll, and every visible button lies inside the viewport. Returns what does not.
 */
export async function belowTheFold(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    if (!(document.body.classList.contains('mode-kiosk') || document.body.classList.contains('mode-till')) || document.querySelector('.service')) return [];
    const out = [];
    const vh = window.innerHeight, vw = window.innerWidth;
    const sh = document.scrollingElement.scrollHeight;
    if (sh > vh + 1) out.push('the page scrolls: ' + sh + ' px tall in a ' + vh + ' px viewport');
    const sw = document.scrollingElement.scrollWidth;
    if (sw > vw + 1) out.push('the page scrolls sideways: ' + sw + ' px wide in a ' + vw + ' px viewport');
    for (const el of document.querySelectorAll('button, [role=button]')) {
      if (el.closest('[inert], [aria-hidden="true"]')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const b = el.getBoundingClientRect();
      if (b.width === 0 && b.height === 0) continue;
      if (b.top < -0.5 || b.left < -0.5 || b.bottom > vh + 0.5 || b.right > vw + 0.5) {
        out.push('button "' + (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40) + '" is outside the viewport (' + Math.round(b.left) + ',' + Math.round(b.top) + ' to ' + Math.round(b.right) + ',' + Math.round(b.bottom) + ')');
      }
    }
    return out;
  })()`)) as string[];
}
