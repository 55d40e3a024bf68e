import { describe, expect, it } from 'vitest';
import { ownersOf, parseCodeOwners, reviewersOf } from '../src/index.js';

const CODEOWNERS = `# Global owners
*       @octo-org/platform
*.md    docs@example.com
/registry/              @octo-org/ml-leads @alice
registry/fraud-*/       @bob
/registry/churn/        # no owners: nobody reviews churn
docs/*                  @carol
apps/                   @dave
**/logs                 @erin
`;

describe('CODEOWNERS', () => {
  const rules = parseCodeOwners(CODEOWNERS);

  it('gives the owners of the last matching pattern', () => {
    expect(ownersOf(rules, 'registry/penguins/stages.yaml')).toEqual(['@octo-org/ml-leads', '@alice']);
    expect(ownersOf(rules, 'registry/fraud-v2/stages.yaml')).toEqual(['@bob']);
    expect(ownersOf(rules, 'registry/churn/stages.yaml')).toEqual([]);
    expect(ownersOf(rules, 'src/index.ts')).toEqual(['@octo-org/platform']);
    expect(ownersOf(rules, 'README.md')).toEqual(['docs@example.com']);
  });

  it("follows gitignore's anchoring and directory rules as GitHub does", () => {
    expect(ownersOf(rules, 'docs/guide.md')).toEqual(['@carol']);
    expect(ownersOf(rules, 'docs/deep/guide.txt')).toEqual(['@octo-org/platform']);
    expect(ownersOf(rules, 'services/apps/main.ts')).toEqual(['@dave']);
    expect(ownersOf(rules, 'a/b/logs/x.txt')).toEqual(['@erin']);
    expect(ownersOf(rules, 'nested/registry/penguins/stages.yaml')).toEqual(['@octo-org/platform']);
  });

  it('turns owners into user and team review requests, dropping e-mail owners', () => {
    expect(reviewersOf(['@octo-org/ml-leads', '@alice', 'docs@example.com', '@alice'])).toEqual({
      users: ['alice'],
      teams: ['ml-leads'],
    });
  });
});
