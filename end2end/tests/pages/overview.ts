// The home page once logged in: Overview.
import { Screen } from './screen';

export class Overview extends Screen {
  readonly path = '/';
  readonly title = 'Overview';
}
