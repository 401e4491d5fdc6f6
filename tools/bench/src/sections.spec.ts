import { describe, expect, it } from 'vitest'
import { saturation } from './fleet-report.js'
import type { FleetRow } from './fleet.js'
import { sectionsOf, withSection } from './sections.js'

describe('sections a scenario writes apart', () => {
  const doc = '# Benchmarks\n\nthe contenders’ table\n'

  it('appends a section once, then replaces only it, leaving the rest as it was', () => {
    const once = withSection(doc, 'fleet', 'first numbers')
    expect(once.startsWith(doc.trimEnd())).toBe(true)
    const both = withSection(once, 'identity-center', 'other numbers')
    const again = withSection(both, 'fleet', 'second numbers')
    expect(again).toContain('second numbers')
    expect(again).not.toContain('first numbers')
    expect(again).toContain('other numbers')
    expect(again.indexOf('second numbers')).toBeLessThan(again.indexOf('other numbers'))
    expect([...sectionsOf(again).keys()]).toEqual(['fleet', 'identity-center'])
  })
})

describe('where the fleet saturates', () => {
  const row = (workers: number, unitsPerS: number) => ({ workers, unitsPerS }) as FleetRow

  it('is the first worker count whose next adds less than a tenth', () => {
    expect(saturation([row(0, 10), row(1, 20), row(2, 30), row(4, 31)])).toEqual({ workers: 2, saturated: true })
    expect(saturation([row(0, 10), row(1, 20), row(2, 19)])).toEqual({ workers: 1, saturated: true })
  })

  it('says so when every count measured still paid', () => {
    expect(saturation([row(1, 10), row(2, 19), row(4, 35)])).toEqual({ workers: 4, saturated: false })
  })
})
