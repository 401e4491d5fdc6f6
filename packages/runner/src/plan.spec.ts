import { exampleConnector, FakeDirectory, sampleDirectory } from '@connectors/testkit/example'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { fileNameOf, planUnits } from './plan.js'

const connector = exampleConnector(() => new FakeDirectory(sampleDirectory, 'tok_plan'))
const config = (...accounts: Array<{ name: string; tenant: string }>) => ({ connectors: [{ connector: 'example', accounts: accounts.map((a) => ({ name: a.name, config: { tenant: a.tenant, token: 'tok_plan' } })) }] })

describe('planning a run', () => {
  it('makes file names safe: no separators, no leading dot, never empty', () => {
    expect(fileNameOf('acme-prod')).toBe('acme-prod')
    expect(fileNameOf('../../etc/passwd')).toBe('_._.._etc_passwd')
    expect(fileNameOf('.hidden')).toBe('_hidden')
    expect(fileNameOf('Ünïcode name')).toBe('_n_code_name')
    expect(fileNameOf('')).toBe('_')
  })

  it('refuses names that would share an output file, even when they differ', () => {
    const planned = planUnits(config({ name: 'acme/prod', tenant: 'one' }, { name: 'ACME_prod', tenant: 'two' }), [connector])
    expect(planned).toEqual(E.left(['connectors[0].accounts[1].name: "ACME_prod" and connectors[0].accounts[0] ("acme/prod") would share the output file name "ACME_prod"; rename one']))
  })

  it('keeps a config that does not decode as its own unit (it fails alone at sync time) and decodes the rest', () => {
    const planned = planUnits({ connectors: [{ connector: 'example', accounts: [{ name: 'bad', config: { tenant: 'X' } }, { name: 'good', config: { tenant: 'good-one', token: 'tok_plan' } }] }] }, [connector])
    expect(E.isRight(planned)).toBe(true)
    const [bad, good] = E.isRight(planned) ? planned.right : []
    expect(bad?.account).toMatchObject(E.left({ reason: 'InvalidConfig' }))
    expect(good?.account).toEqual(E.right('good-one'))
  })
})
