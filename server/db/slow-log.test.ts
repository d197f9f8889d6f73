import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { describeCommand, shapeOf } from './slow-log';

describe('slow command log', () => {
  it('keeps field names and operators, never values', () => {
    const shape = shapeOf({ email: 'someone@example.org', at: { $gte: new Date(0) }, _id: new ObjectId(), status: { $in: ['a', 'b', 'c', 'd'] } });
    expect(shape).toEqual({ email: 'string', at: { $gte: 'date' }, _id: 'ObjectId', status: { $in: ['string', 'string', 'string', '…1 more'] } });
    expect(JSON.stringify(shape)).not.toContain('someone');
  });

  it('describes a find by collection, filter, sort and limit', () => {
    const line = describeCommand({
      commandName: 'find',
      command: { find: 'live_events', filter: { seq: { $gt: 5 } }, sort: new Map([['seq', 1]]), limit: 500 },
    });
    expect(line).toBe('find live_events filter={"seq":{"$gt":"number"}} sort={"seq":"number"} limit=500');
    expect(describeCommand({ commandName: 'getMore', command: { getMore: 123, collection: 'users', batchSize: 101 } })).toBe('getMore users');
  });
});
