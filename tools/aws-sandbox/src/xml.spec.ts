import fc from 'fast-check'
import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { AwsErrors } from './aws-error.js'
import { errorXml, escapeXml, isoSeconds, successXml } from './xml.js'

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: false, processEntities: true, isArray: (name) => name === 'member' })

/** The value at a path of element names in a parsed document. */
const at = (doc: unknown, ...path: ReadonlyArray<string>): unknown => path.reduce<unknown>((node, name) => (node as Record<string, unknown> | undefined)?.[name], doc)

// Text XML 1.0 can carry: no C0 controls but tab and newline (carriage returns are normalized away), no U+FFFE/FFFF.
const xmlText = fc.string({ unit: 'grapheme', minLength: 1 }).filter((s) => !/[\u0000-\u0008\u000b-\u001f\ufffe\uffff]/.test(s))

describe('the sandbox XML writer', () => {
  it('round-trips any text through a real XML parser, lists and nesting included', () => {
    fc.assert(
      fc.property(xmlText, fc.array(xmlText, { maxLength: 4 }), (marker, names) => {
        const doc = parser.parse(successXml('iam', 'ListUsers', { Users: names.map((n) => ({ UserName: n })), IsTruncated: true, Marker: marker }, 'req-1')) as unknown
        const result = at(doc, 'ListUsersResponse', 'ListUsersResult')
        expect(at(doc, 'ListUsersResponse', '@_xmlns')).toBe('https://iam.amazonaws.com/doc/2010-05-08/')
        expect(at(result, 'Marker')).toBe(marker)
        expect(at(result, 'IsTruncated')).toBe('true')
        if (names.length === 0) expect(at(result, 'Users')).toBe('')
        else expect((at(result, 'Users', 'member') as ReadonlyArray<unknown>).map((m) => at(m, 'UserName'))).toEqual(names)
        expect(at(doc, 'ListUsersResponse', 'ResponseMetadata', 'RequestId')).toBe('req-1')
      }),
    )
  })

  it('escapes every markup character, so data can never open or close an element', () => {
    expect(escapeXml(`<a b="c" d='e'>&amp;</a>`)).toBe('&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;amp;&lt;/a&gt;')
    expect(successXml('iam', 'GetGroup', { Group: { GroupName: '</GroupName><Injected>x</Injected>' } }, 'r')).not.toContain('<Injected>')
  })

  it('writes empty values as empty elements, leaves out undefined ones, and dates in AWS form', () => {
    const date = new Date('2024-05-01T12:00:00.123Z')
    expect(successXml('iam', 'ListGroups', { Groups: [], Marker: undefined, IsTruncated: false, When: date }, 'r')).toBe(
      '<ListGroupsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListGroupsResult><Groups/><IsTruncated>false</IsTruncated><When>2024-05-01T12:00:00Z</When></ListGroupsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListGroupsResponse>',
    )
    expect(isoSeconds(date)).toBe(isoSeconds(new Date(date.getTime())))
  })

  it('writes AWS error documents', () => {
    const doc = at(parser.parse(errorXml('sts', AwsErrors.throttling(), 'r-2')), 'ErrorResponse')
    expect(at(doc, '@_xmlns')).toBe('https://sts.amazonaws.com/doc/2011-06-15/')
    expect(at(doc, 'Error')).toEqual({ Type: 'Sender', Code: 'Throttling', Message: 'Rate exceeded' })
    expect(at(doc, 'RequestId')).toBe('r-2')
  })
})
